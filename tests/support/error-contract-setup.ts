// Shared by every test file (vitest.config.ts setupFiles): any request during the file that
// answered an error code its route does not declare fails the file, naming route and code.
// Declare the code on the route (`errors: [...]`), which also puts it in the OpenAPI document.
import { afterAll } from 'vitest';
import { takeUndeclaredErrors } from '@tmc/app/http/error-contract';

afterAll(() => {
  const found = takeUndeclaredErrors();
  if (found.length > 0) throw new Error(`error codes outside the routes' OpenAPI entries:\n${found.join('\n')}`);
});
