import { describe, expect, it } from 'vitest';
import { parsePositioned } from './jsonPositions';
import { parsePositionedYaml } from './yamlPositions';

const jsonText = `{
  "tasks": [
    { "name": "A", "propertyExpressions": { "a.b": "x", "a": { "b": "y" } } },
    { "name": "B" }
  ]
}`;
const yamlText = `tasks:
  - name: A
    propertyExpressions: { a.b: x, a: { b: y } }
  - &b { name: B }
  - *b
`;

describe.each([
  [
    'JSON',
    parsePositioned(jsonText),
    { a: '3:5', dotted: '3:45', nested: '3:64', b: '4:5', parent: '4:7', tasks: '2:3' },
  ],
  [
    'YAML',
    parsePositionedYaml(yamlText),
    { a: '2:5', dotted: '3:28', nested: '3:41', b: '4:8', parent: '4:10', tasks: '1:1' },
  ],
])('%s positionOf', (_format, doc, at) => {
  it('takes zod paths and dotted paths alike', () => {
    expect(doc.syntaxErrors).toEqual([]);
    expect(doc.positionOf(['tasks', 0])).toBe(at.a);
    expect(doc.positionOf('tasks.0')).toBe(at.a);
    expect(doc.positionOf('tasks.1')).toBe(at.b);
  });

  it('reads a dotted path as the longest key that exists, a zod path key by key', () => {
    expect(doc.positionOf('tasks.0.propertyExpressions.a.b')).toBe(at.dotted);
    expect(doc.positionOf(['tasks', 0, 'propertyExpressions', 'a.b'])).toBe(at.dotted);
    expect(doc.positionOf(['tasks', 0, 'propertyExpressions', 'a', 'b'])).toBe(at.nested);
  });

  it('falls back to the nearest parent that exists', () => {
    expect(doc.positionOf('tasks.1.name.deeper')).toBe(at.parent);
    expect(doc.positionOf('tasks.9.name')).toBe(at.tasks);
    expect(doc.positionOf('')).toBe('1:1');
  });
});

describe('parsePositionedYaml', () => {
  it('follows aliases to where the value is written', () => {
    const doc = parsePositionedYaml(yamlText);
    expect(doc.positionOf('tasks.2.name')).toBe('4:10');
    expect(doc.value).toEqual({
      tasks: [
        { name: 'A', propertyExpressions: { 'a.b': 'x', a: { b: 'y' } } },
        { name: 'B' },
        { name: 'B' },
      ],
    });
  });

  it('reads YAML 1.2 whatever the file says: yes, on and dates stay strings', () => {
    expect(parsePositionedYaml('%YAML 1.1\n---\na: yes\nb: on\nc: 2024-01-02\nd: 010\n').value).toEqual({
      a: 'yes',
      b: 'on',
      c: '2024-01-02',
      d: 10,
    });
  });

  it('refuses keys that are collections, and aliases without an anchor', () => {
    expect(parsePositionedYaml('? [a, b]\n: 1\nc: *none\n').syntaxErrors).toEqual([
      '1:3: keys must be plain values, not collections or aliases',
      '3:4: alias *none has no anchor before it',
    ]);
  });

  it('stops documents that expand aliases without end', () => {
    const laughs = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (let i = 0; i < 8; i += 1)
      laughs.push(`${'bcdefghi'[i]}: &${'bcdefghi'[i]} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(', ')}]`);
    const doc = parsePositionedYaml(`${laughs.join('\n')}\n`);
    expect(doc.value).toBeUndefined();
    expect(doc.syntaxErrors).toEqual([expect.stringMatching(/^1:1: Excessive alias count/)]);
  });

  it('reads a byte order mark as nothing', () => {
    expect(parsePositionedYaml('\uFEFFname: A\n').value).toEqual({ name: 'A' });
    expect(parsePositioned('\uFEFF{"name": "A"}').value).toEqual({ name: 'A' });
  });
});
