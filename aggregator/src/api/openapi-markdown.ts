// Renders the OpenAPI document as the Markdown API reference in docs/, so the reference cannot drift from the API.
import type { JsonSchema, Method, OpenApiDocument, Operation } from './openapi-types.ts';

const METHODS: Method[] = ['get', 'post', 'delete'];

/** The whole reference page. */
export function openApiToMarkdown(doc: OpenApiDocument): string {
  const lines = [
    `# ${doc.info.title} API reference`,
    '',
    '<!-- Generated from the OpenAPI document by `npm run docs:api`; do not edit by hand. -->',
    '',
    doc.info.description,
    '',
    `Base path: \`${doc.servers[0]?.url ?? '/'}\`. The machine-readable document is served at \`${doc.servers[0]?.url ?? ''}/openapi.json\`. Send \`Authorization: Bearer <token>\`; each route names the permission its token's role needs.`,
    '',
    '| Method | Path | Permission | Summary |',
    '|---|---|---|---|',
  ];
  const operations = Object.entries(doc.paths).flatMap(([path, item]) => METHODS.flatMap((method) => (item[method] ? [{ path, method, op: item[method] }] : [])));
  for (const { path, method, op } of operations) lines.push(`| ${method.toUpperCase()} | \`${path}\` | ${op['x-cascade-permission']} | ${op.summary} |`);
  for (const { path, method, op } of operations) lines.push('', ...operationSection(path, method, op));
  lines.push('', '## Schemas');
  for (const [name, schema] of Object.entries(doc.components.schemas)) lines.push('', `### ${name}`, '', ...schemaSection(schema));
  return `${lines.join('\n')}\n`;
}

/** One route: summary, description, parameters, body and answers. */
function operationSection(path: string, method: Method, op: Operation): string[] {
  const lines = [`## ${method.toUpperCase()} ${path}`, '', `${op.summary}. Permission: \`${op['x-cascade-permission']}\`.`];
  if (op.description) lines.push('', op.description);
  if (op.parameters?.length) {
    lines.push('', '| Parameter | In | Meaning |', '|---|---|---|');
    for (const p of op.parameters) lines.push(`| \`${p.name}\` | ${p.in} | ${p.description} |`);
  }
  const body = op.requestBody?.content['application/json'].schema;
  if (body) lines.push('', `Body: ${schemaName(body)}.`);
  lines.push('', '| Status | Meaning |', '|---|---|');
  for (const [status, answer] of Object.entries(op.responses)) {
    const schemas = Object.values(answer.content ?? {}).map((c) => schemaName(c.schema));
    lines.push(`| ${status} | ${answer.description}${schemas.length ? ` (${schemas.join(', ')})` : ''} |`);
  }
  return lines;
}

/** Properties of an object schema as a table, or its description. */
function schemaSection(schema: JsonSchema): string[] {
  const lines: string[] = [];
  if (typeof schema['description'] === 'string') lines.push(schema['description'], '');
  const properties = schema['properties'] as Record<string, JsonSchema> | undefined;
  if (!properties) return lines.length ? lines : [`Type: ${describeType(schema)}.`];
  const required = new Set((schema['required'] as string[] | undefined) ?? []);
  lines.push('| Field | Type | Required | Meaning |', '|---|---|---|---|');
  for (const [name, property] of Object.entries(properties)) {
    lines.push(`| \`${name}\` | ${describeType(property)} | ${required.has(name) ? 'yes' : 'no'} | ${String(property['description'] ?? '')} |`);
  }
  return lines;
}

/** A schema reference as a link to its section, or its inline type. */
function schemaName(schema: JsonSchema): string {
  const ref = schema['$ref'];
  if (typeof ref === 'string') {
    const name = ref.split('/').pop() ?? ref;
    return `[${name}](#${name.toLowerCase()})`;
  }
  return describeType(schema);
}

/** A short human form of a schema's type. */
function describeType(schema: JsonSchema): string {
  if (typeof schema['$ref'] === 'string') return schemaName(schema);
  if (Array.isArray(schema['enum'])) return (schema['enum'] as unknown[]).map((v) => `\`${String(v)}\``).join(' \\| ');
  const type = schema['type'];
  if (Array.isArray(type)) return type.join(' \\| ');
  if (type === 'array') return `array of ${describeType((schema['items'] as JsonSchema | undefined) ?? {})}`;
  if (typeof schema['pattern'] === 'string') return `${String(type)} matching \`${String(schema['pattern']).replaceAll('|', '\\|')}\``;
  return typeof type === 'string' ? type : 'any';
}
