import { describe, expect, it } from 'vitest';
import { loadProjectDir } from './loadProjectDir';
import { json, loadProblems, useProjectFolders } from './projectFolder.fixture';

const project = useProjectFolders();

const projectDef = {
  name: 'P',
  parameters: [{ name: 'Environment', dataType: 'String', defaultValue: 'Dev' }],
};
const projectYaml = `name: P
parameters:
  - name: Environment
    dataType: String
    defaultValue: Dev
`;

const printArguments = ['-e', 'console.log(process.argv[1])', '@[User::Message]'];
const loadPackage = {
  name: 'Load',
  parameters: [{ name: 'Count', dataType: 'Int32', defaultValue: 3 }],
  variables: [{ name: 'Message', dataType: 'String', value: '' }],
  tasks: [
    {
      name: 'Steps',
      type: 'sequence',
      tasks: [
        { name: 'Build', type: 'script', code: "User.Message = 'yes';\nlog.info(User.Message);\n" },
        { name: 'Print', type: 'executeProcess', executable: 'node', arguments: printArguments },
        { name: 'Print again', type: 'executeProcess', executable: 'node', arguments: printArguments },
      ],
      precedenceConstraints: [
        { from: 'Build', to: 'Print' },
        { from: 'Print', to: 'Print again' },
      ],
      eventHandlers: {
        OnError: { tasks: [{ name: 'Note', type: 'expression', expression: '@[User::Message] = "failed"' }] },
      },
    },
  ],
};
// The same package as people write it in YAML: comments, a block scalar, yes as a string, an alias.
const loadYaml = `# yaml-language-server: $schema=../../docs/schema/package.schema.json
name: Load
parameters:
  - { name: Count, dataType: Int32, defaultValue: 3 }
variables:
  - name: Message
    dataType: String
    value: ""
tasks:
  - name: Steps
    type: sequence
    tasks:
      - name: Build
        type: script
        code: |
          User.Message = 'yes';
          log.info(User.Message);
      - name: Print
        type: executeProcess
        executable: node
        arguments: &print [-e, "console.log(process.argv[1])", "@[User::Message]"]
      - name: Print again
        type: executeProcess
        executable: node
        arguments: *print
    precedenceConstraints:
      - { from: Build, to: Print }
      - { from: Print, to: Print again }
    eventHandlers:
      OnError:
        tasks:
          - name: Note
            type: expression
            expression: '@[User::Message] = "failed"'
`;

describe('loadProjectDir with YAML files', () => {
  it('loads a YAML project to the same bundle as the equivalent JSON one', () => {
    const fromJson = loadProjectDir(
      project({ 'project.json': json(projectDef), 'Load.package.json': json(loadPackage) }),
    );
    const fromYaml = loadProjectDir(project({ 'project.yaml': projectYaml, 'Load.package.yml': loadYaml }));
    expect(fromYaml).toEqual(fromJson);
    const steps = fromYaml.packages[0]!.tasks[0]!;
    expect(steps.type === 'sequence' && steps.tasks[2]).toMatchObject({ arguments: printArguments });
  });

  it('loads a folder mixing JSON and YAML files', () => {
    const bundle = loadProjectDir(
      project({
        'project.yml': projectYaml,
        'A.package.json': json({ name: 'A', tasks: [{ name: 'T', type: 'script', code: 'log.info(1);' }] }),
        'B.package.yaml': 'name: B\ntasks:\n  - { name: T, type: script, code: "log.info(2);" }\n',
      }),
    );
    expect(bundle.packages.map((p) => p.name)).toEqual(['A', 'B']);
  });

  it('reports schema problems with the line and column of the field', () => {
    const dir = project({
      'project.yaml': 'name: P\nparameters:\n  - name: X\n    dataType: Float\n',
      'A.package.yaml':
        'name: A\ntasks:\n  - name: T\n    type: executeProcess\n    executable: ""\n    bogus: 1\n',
    });
    const message = loadProblems(dir);
    expect(message).toMatch(/project.yaml:4:5: parameters.0.dataType: Invalid option/);
    expect(message).toMatch(/A.package.yaml:5:5: tasks.0.executable: must name a program/);
    expect(message).toMatch(/A.package.yaml:6:5: tasks.0: Unrecognized key: "bogus"/);
  });

  it('reports the problems validateBundle finds deep inside a YAML package at their place', () => {
    const dir = project({
      'project.yaml': 'name: P\n',
      'L.package.yaml': `name: L
tasks:
  - name: Outer
    type: sequence
    tasks:
      - name: Inner
        type: script
        code: log.info(1);
        eventHandlers:
          OnError:
            tasks:
              - name: Note
                type: expression
                expression: "@[User::Missing] = 1"
`,
    });
    expect(loadProblems(dir)).toMatch(
      /L.package.yaml:14:17: tasks.0.tasks.0.eventHandlers.OnError.tasks.0.expression: .*User::Missing/,
    );
  });

  it('reports syntax errors with line and column', () => {
    const dir = project({
      'project.yaml': 'name: P\n',
      'A.package.yaml': 'name: A\ntasks:\n\t- name: T\n',
      'B.package.yaml': 'name: B\ntasks: [ { name: T, type: script\n',
      'C.package.yaml': 'name: C\n---\nname: D\n',
    });
    const message = loadProblems(dir);
    expect(message).toMatch(/A.package.yaml:3:1: Tabs are not allowed as indentation \(not valid YAML\)/);
    expect(message).toMatch(/B.package.yaml:3:1: .+ \(not valid YAML\)/);
    expect(message).toMatch(/C.package.yaml:2:1: Source contains multiple documents.* \(not valid YAML\)/);
  });

  it('refuses duplicate keys, which would hide one of the values from a review', () => {
    const dir = project({
      'project.yaml': 'name: P\n',
      'A.package.yaml': 'name: A\ntasks:\n  - name: T\n    type: script\n    code: one()\n    code: two()\n',
    });
    expect(loadProblems(dir)).toMatch(/A.package.yaml:6:5: Map keys must be unique \(not valid YAML\)/);
  });

  it('refuses tags and merge keys, accepts anchors and aliases', () => {
    const dir = project({
      'project.yaml': 'name: !!binary UA==\n',
      'A.package.yaml': `name: A
defaults: &quiet { type: script }
tasks:
  - <<: *quiet
    name: T
    code: !js "log.info(1)"
`,
    });
    const message = loadProblems(dir);
    expect(message).toMatch(/project.yaml:1:16: tag !!binary is not allowed/);
    expect(message).toMatch(/A.package.yaml:4:5: merge keys \(<<\) are not supported/);
    expect(message).toMatch(/A.package.yaml:6:15: tag !js is not allowed/);
  });

  it('refuses two project files, and two files for one package naming both', () => {
    const message = loadProblems(
      project({
        'project.json': json({ name: 'P' }),
        'project.yml': 'name: P\n',
        'A.package.json': json({ name: 'A', tasks: [{ name: 'T', type: 'script', code: '' }] }),
        'A.package.yaml': 'name: A\ntasks: [{ name: T, type: script, code: "" }]\n',
        'B.package.yaml': 'name: a\ntasks: [{ name: T, type: script, code: "" }]\n',
      }),
    );
    expect(message).toMatch(/project.json and project.yml: a project folder has exactly one project file/);
    expect(message).toMatch(/A.package.json and A.package.yaml: two files for package A; keep one/);
    expect(message).toMatch(/B.package.yaml:1:1: name: package a is also defined by A.package.json/);
  });
});
