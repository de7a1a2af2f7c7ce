// @vitest-environment jsdom
import { fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ScaleOutError } from '../../../master-core/protocol/errors';
import { renderWithApi } from '../../test/renderWithApi';
import type { FakeHandlers } from '../../test/fakeApiClient';
import { CatalogPropertiesDialog } from './CatalogPropertiesDialog';

const properties = [
  { name: 'RETENTION_WINDOW', value: '365', description: 'days executions are kept' },
  {
    name: 'SERVER_LOGGING_LEVEL',
    value: '1',
    description: 'logging level of executions that do not choose one',
  },
];

function renderProperties(handlers: FakeHandlers) {
  const onClose = vi.fn();
  const result = renderWithApi(<CatalogPropertiesDialog onClose={onClose} />, {
    'property.list': () => ({ properties }),
    ...handlers,
  });
  return { ...result, onClose };
}

const input = (name: string) => screen.getByTestId(`property-${name}`) as HTMLInputElement;

describe('CatalogPropertiesDialog', () => {
  it('shows each property with its value and description', async () => {
    renderProperties({});
    await waitFor(() => expect(input('RETENTION_WINDOW').value).toBe('365'));
    expect(screen.getByTestId('property-help-RETENTION_WINDOW').textContent).toBe('days executions are kept');
  });

  it('sends only the changed values, and closes on OK', async () => {
    const { api, onClose } = renderProperties({ 'property.set': () => ({}) });
    await waitFor(() => expect(input('RETENTION_WINDOW').value).toBe('365'));
    fireEvent.change(input('RETENTION_WINDOW'), { target: { value: '30' } });
    await userEvent.click(screen.getByTestId('properties-ok'));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(api.callsOf('property.set')).toEqual([{ name: 'RETENTION_WINDOW', value: '30' }]);
  });

  it('shows the master’s refusal next to the field and stays open', async () => {
    const { api, onClose } = renderProperties({
      'property.set': (p) => {
        if (p.name === 'SERVER_LOGGING_LEVEL') {
          throw new ScaleOutError('VALIDATION_FAILED', 'SERVER_LOGGING_LEVEL must be 0, 1, 2 or 3');
        }
        return {};
      },
    });
    await waitFor(() => expect(input('RETENTION_WINDOW').value).toBe('365'));
    fireEvent.change(input('SERVER_LOGGING_LEVEL'), { target: { value: '7' } });
    fireEvent.change(input('RETENTION_WINDOW'), { target: { value: '90' } });
    await userEvent.click(screen.getByTestId('properties-ok'));
    await waitFor(() =>
      expect(screen.getByTestId('property-help-SERVER_LOGGING_LEVEL').textContent).toBe(
        'SERVER_LOGGING_LEVEL must be 0, 1, 2 or 3',
      ),
    );
    expect(input('SERVER_LOGGING_LEVEL').getAttribute('aria-invalid')).toBe('true');
    expect(api.callsOf('property.set')).toEqual([
      { name: 'RETENTION_WINDOW', value: '90' },
      { name: 'SERVER_LOGGING_LEVEL', value: '7' },
    ]);
    expect(onClose).not.toHaveBeenCalled();
  });

  it('shows loading and a load error', async () => {
    let fail: (e: Error) => void = () => {};
    renderProperties({ 'property.list': () => new Promise((_r, reject) => (fail = reject)) });
    expect(screen.getByTestId('properties-loading')).toBeTruthy();
    fail(new ScaleOutError('UNAUTHORIZED', 'the console token is not valid'));
    expect((await screen.findByTestId('properties-error')).textContent).toBe(
      'the console token is not valid',
    );
  });

  it('says when the catalog reports no properties', async () => {
    renderProperties({ 'property.list': () => ({ properties: [] }) });
    expect(await screen.findByTestId('properties-empty')).toBeTruthy();
  });
});
