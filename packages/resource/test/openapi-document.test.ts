// The OpenAPI document is loaded before the server takes requests, so a missing or broken document fails startup
// instead of turning every Open Payments request into a 500.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApiRequestValidation, resourceServerSpecPath } from '../src/http/openapi-request-validation';

it('loads the official resource-server document', async () => {
  await expect(openApiRequestValidation(resourceServerSpecPath()).ready()).resolves.toBeUndefined();
});

it('refuses a missing or broken document when asked to get ready', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'sluice-openapi-'));
  await expect(openApiRequestValidation(join(directory, 'missing.yaml')).ready()).rejects.toMatchObject({
    code: 'openapi_document',
    message: expect.stringMatching(/missing\.yaml/),
  });
  const broken = join(directory, 'broken.yaml');
  writeFileSync(broken, 'openapi: 3.1.0\npaths: [this is: not, a: document\n');
  await expect(openApiRequestValidation(broken).ready()).rejects.toMatchObject({
    code: 'openapi_document',
    message: expect.stringMatching(/broken\.yaml/),
  });
  const empty = join(directory, 'empty.yaml');
  writeFileSync(empty, 'openapi: 3.1.0\ninfo: { title: nothing, version: "1" }\n');
  await expect(openApiRequestValidation(empty).ready()).rejects.toMatchObject({ code: 'openapi_document' });
});
