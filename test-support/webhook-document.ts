// openapi/webhooks.yaml as a validator: for a delivered event, which documented schema its type names, and what of
// the event that schema refuses.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { load } from 'js-yaml';

interface WebhookDocument {
  webhooks: Record<string, { post: { requestBody: { content: Record<string, { schema: { $ref: string } }> } } }>;
  components: { schemas: Record<string, { properties?: { type?: { enum?: string[]; const?: string } } }> };
}

export interface WebhookEventCheck {
  /** Problems with `event` (an undocumented type included); empty when the document accepts it. */
  problems(event: unknown): string[];
  /** The event types the document describes. */
  types: string[];
}

export function loadWebhookDocument(): WebhookEventCheck {
  const document = load(readFileSync(join(__dirname, '..', 'openapi', 'webhooks.yaml'), 'utf8')) as WebhookDocument;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(document as object, 'webhooks');
  const byType = new Map<string, ReturnType<typeof ajv.compile>>();
  for (const webhook of Object.values(document.webhooks)) {
    const ref = webhook.post.requestBody.content['application/json'].schema.$ref;
    const schema = document.components.schemas[ref.split('/').pop() as string];
    const validate = ajv.compile({ $ref: `webhooks${ref}` });
    const type = schema.properties?.type;
    for (const name of type?.enum ?? (type?.const ? [type.const] : [])) byType.set(name, validate);
  }
  return {
    types: [...byType.keys()],
    problems(event) {
      const type = (event as { type?: unknown }).type;
      const validate = typeof type === 'string' ? byType.get(type) : undefined;
      if (!validate) return [`undocumented event type ${String(type)}`];
      if (validate(event)) return [];
      return (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? ''}`);
    },
  };
}
