import { render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ReactElement } from 'react';
import { type Client, Provider } from 'urql';
import { type Capabilities, CapabilitiesContext, minimalCapabilities } from '../api/capabilities.ts';

/**
 * Renders `ui` against an API client (a `fakeClient`), on an API with the optional fields `capabilities` turns on
 * (the minimal schema without it), and returns a user to drive the page.
 */
export function renderWithApi(ui: ReactElement, client: Client, capabilities?: Partial<Capabilities>) {
  const user = userEvent.setup();
  render(
    <Provider value={client}>
      {capabilities ? (
        <CapabilitiesContext.Provider value={{ ...minimalCapabilities, ...capabilities }}>
          {ui}
        </CapabilitiesContext.Provider>
      ) : (
        ui
      )}
    </Provider>,
  );
  return user;
}
