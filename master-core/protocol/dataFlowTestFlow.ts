// Test fixture: a flat file source of orders, and a Data Flow task built around it.
import { DataFlowTask } from './packageFormat';

export const source = {
  name: 'Orders',
  type: 'flatFileSource',
  connection: 'OrdersFile',
  columns: [
    { name: 'Id', dataType: 'Int32' },
    { name: 'Amount', dataType: 'Double' },
    { name: 'Country', dataType: 'String' },
  ],
};
export const flow = (components: unknown[], paths: unknown[]) =>
  DataFlowTask.parse({ name: 'Load', type: 'dataFlow', components: [source, ...components], paths });
