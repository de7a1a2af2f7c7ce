import { describe, expect, it } from 'vitest';
import { layoutDataFlow } from './dataFlowMetadata';
import { flow } from './dataFlowTestFlow';

describe('data flow layout', () => {
  it('derives the columns of every path from the sources through each component', () => {
    const task = flow(
      [
        {
          name: 'Tax',
          type: 'derivedColumn',
          columns: [{ name: 'Gross', expression: '[Amount] * 1.2', dataType: 'Double' }],
        },
        {
          name: 'Split',
          type: 'conditionalSplit',
          conditions: [{ output: 'Big', condition: 'Gross > 100' }],
        },
        {
          name: 'Totals',
          type: 'aggregate',
          columns: [
            { operation: 'GroupBy', input: 'Country' },
            { operation: 'Sum', input: 'Gross', output: 'Total' },
            { operation: 'CountAll' },
          ],
        },
        { name: 'Small', type: 'flatFileDestination', connection: 'Out' },
      ],
      [
        { from: 'Orders', to: 'Tax' },
        { from: 'Tax', to: 'Split' },
        { from: 'Split.Big', to: 'Totals' },
        { from: 'Split.Default', to: 'Small' },
      ],
    );
    const { layout, problems } = layoutDataFlow(task);
    expect(problems).toEqual([]);
    expect(layout.order).toEqual(['Orders', 'Tax', 'Split', 'Totals', 'Small']);
    expect(
      layout.outputs
        .get('Tax')!
        .get('Output')!
        .map((c) => c.name),
    ).toEqual(['Id', 'Amount', 'Country', 'Gross']);
    expect(layout.outputs.get('Totals')!.get('Output')).toEqual([
      { name: 'Country', dataType: 'String' },
      { name: 'Total', dataType: 'Double' },
      { name: 'Count', dataType: 'Int64' },
    ]);
    expect(
      layout.outputs
        .get('Orders')!
        .get('Error')!
        .map((c) => c.name),
    ).toEqual(['LineNumber', 'RawText', 'ErrorCode', 'ErrorColumn', 'ErrorDescription']);
  });

  it('lists every path, port and column problem', () => {
    const task = flow(
      [
        {
          name: 'Tax',
          type: 'derivedColumn',
          columns: [{ name: 'Gross', expression: '[Amont] * 1.2 + @[User::Rate]', dataType: 'Double' }],
        },
        { name: 'Sorted', type: 'sort', keys: [{ column: 'Nope' }] },
        { name: 'Dest', type: 'flatFileDestination', connection: 'Out' },
        { name: 'Lonely', type: 'multicast' },
      ],
      [
        { from: 'Orders', to: 'Tax' },
        { from: 'Orders', to: 'Sorted' },
        { from: 'Tax.Wrong', to: 'Dest' },
        { from: 'Dest', to: 'Sorted' },
        { from: 'Ghost', to: 'Dest' },
      ],
    );
    const { problems } = layoutDataFlow(task, (r) => r === 'User::Known');
    expect(problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      'paths.1.from: output Output of Orders already feeds a path: add a Multicast to send rows to several',
      'paths.2.from: Tax has no output Wrong (it has Output, Error)',
      'paths.3.from: Dest is a destination: it has no output',
      'paths.4.from: no component named Ghost',
      'components.3: Dest has no input path',
      'components.4: Lonely has no input path',
      'components.1.columns.0.expression: no input column Amont in "[Amont] * 1.2 + @[User::Rate]"',
      'components.1.columns.0.expression: unknown reference @[User::Rate] in "[Amont] * 1.2 + @[User::Rate]"',
      'components.2.keys.0.column: no input column Nope (the input has Id, Amount, Country)',
    ]);
  });
});
