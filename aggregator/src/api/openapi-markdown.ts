// Renders the OpenAPI document as the Markdown API reference in docs/, so the reference cannot drift from the API.
import type { OpenApiDocument } from './openapi.ts';

type PathItem = NonNullable<OpenApiDocument['paths']>[string];
type Operation = NonNullable<PathItem['get']>;
/** A schema or a `$ref` to one, as the generator writes them. */
type Schema = NonNullable<NonNullable<OpenApiDocument['components']>['schemas']>[string];
type Reference = Extract<Schema, { $ref: string }>;

function isReference(schema: Schema): schema is Reference {
  return typeof schema.$ref === 'string';
}

const METHODS = ['get', 'post', 'patch', 'delete'] as const;

/** The whole reference page. */
export function openApiToMarkdown(doc: OpenApiDocument): string {
  const base = doc.servers?.[0]?.url ?? '';
  const lines = [
    `# ${doc.info.title} API reference`,
    '',
    '<!-- Generated from the OpenAPI document by `npm run docs:api`; do not edit by hand. -->',
    '',
    doc.info.description ?? '',
    '',
    `Base path: \`${base || '/'}\`. The machine-readable document is served at \`${base}/openapi.json\`. Send \`Authorization: Bearer <token>\`; each route names the permission its token's role needs.`,
    '',
    '| Method | Path | Permission | Summary |',
    '|---|---|---|---|',
  ];
  const operations = Object.entries(doc.paths ?? {}).flatMap(([path, item]) => METHODS.flatMap((method) => (item[method] ? [{ path, method, op: item[method] }] : [])));
  for (const { path, method, op } of operations) lines.push(`| ${method.toUpperCase()} | \`${path}\` | ${permissionOf(op)} | ${op.summary ?? ''} |`);
  for (const { path, method, op } of operations) lines.push('', ...operationSection(path, method, op));
  lines.push('', '## Schemas');
  // By name: the generator's order follows registration, which says nothing to a reader.
  const schemas = Object.entries(doc.components?.schemas ?? {}).sort(([a], [b]) => a.localeCompare(b));
  for (const [name, schema] of schemas) lines.push('', `### ${name}`, '', ...schemaSection(schema));
  return `${lines.join('\n')}\n`;
}

/** The permission a route's token needs, from the `x-cascade-permission` extension. */
export function permissionOf(op: Operation): string {
  return String(op['x-cascade-permission'] ?? 'public');
}

/** One route: summary, description, parameters, body and answers. */
function operationSection(path: string, method: string, op: Operation): string[] {
  const lines = [`## ${method.toUpperCase()} ${path}`, '', `${op.summary ?? ''}. Permission: \`${permissionOf(op)}\`.`];
  if (op.description) lines.push('', op.description);
  const parameters = (op.parameters ?? []).flatMap((p) => ('in' in p ? [p] : []));
  if (parameters.length) {
    lines.push('', '| Parameter | In | Type | Meaning |', '|---|---|---|---|');
    for (const p of parameters) lines.push(`| \`${p.name}\` | ${p.in} | ${p.schema ? describeType(p.schema) : 'any'} | ${p.description ?? describedBy(p.schema)} |`);
  }
  const body = op.requestBody && 'content' in op.requestBody ? op.requestBody.content['application/json']?.schema : undefined;
  if (body) lines.push('', `Body: ${describeType(body)}.`);
  lines.push('', '| Status | Meaning |', '|---|---|');
  for (const [status, answer] of Object.entries(op.responses ?? {}) as Array<[string, { description?: string; content?: Record<string, { schema?: Schema }> }]>) {
    const schemas = Object.values(answer.content ?? {}).flatMap((c) => (c.schema ? [describeType(c.schema)] : []));
    lines.push(`| ${status} | ${answer.description ?? ''}${schemas.length ? ` (${schemas.join(', ')})` : ''} |`);
  }
  return lines;
}

/** A schema's own description, or nothing. */
function describedBy(schema: Schema | undefined): string {
  return schema && typeof schema.description === 'string' ? schema.description : '';
}

/** Properties of an object schema as a table, the variants of a union, or the schema's description and type. */
function schemaSection(schema: Schema): string[] {
  const lines: string[] = [];
  if (schema.description) lines.push(schema.description, '');
  if (isReference(schema)) return [...lines, `Type: ${describeType(schema)}.`];
  const variants = schema.oneOf ?? [];
  if (variants.length) {
    lines.push('One of:');
    for (const variant of variants) lines.push('', ...(describedBy(variant) ? [describedBy(variant), ''] : []), ...propertyTable(variant));
    return lines;
  }
  const table = propertyTable(schema);
  return table.length ? [...lines, ...table] : lines.length ? lines : [`Type: ${describeType(schema)}.`];
}

/** The fields of an object schema: name, type, whether required, meaning. */
function propertyTable(schema: Schema): string[] {
  if (isReference(schema)) return [describeType(schema)];
  const properties = schema.properties;
  if (!properties) return [];
  const lines: string[] = [];
  const required = new Set(schema.required ?? []);
  lines.push('| Field | Type | Required | Meaning |', '|---|---|---|---|');
  for (const [name, property] of Object.entries(properties)) {
    lines.push(`| \`${name}\` | ${describeType(property)} | ${required.has(name) ? 'yes' : 'no'} | ${describedBy(property).replaceAll('|', '\\|')} |`);
  }
  return lines;
}

/** A short human form of a schema's type; a reference links to its section. */
function describeType(schema: Schema): string {
  if (isReference(schema)) {
    const name = schema.$ref.split('/').pop() ?? schema.$ref;
    return `[${name}](#${name.toLowerCase()})`;
  }
  if (schema.const !== undefined) return `\`${String(schema.const)}\``;
  if (Array.isArray(schema.enum)) return schema.enum.map((v: unknown) => `\`${String(v)}\``).join(' \\| ');
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants) return variants.map(describeType).join(' or ');
  const type = schema.type;
  // Optional fields that also take null are `[type, 'null']`: describe the type, then say null is taken too.
  if (Array.isArray(type)) {
    const [single, ...others] = type.filter((t) => t !== 'null');
    const described = single && others.length === 0 ? describeType({ ...schema, type: single }) : type.filter((t) => t !== 'null').join(' or ');
    return type.includes('null') ? `${described}, or null` : described;
  }
  if (type === 'array') {
    if (Array.isArray(schema.prefixItems)) return `[${(schema.prefixItems as Schema[]).map(describeType).join(', ')}]`;
    return `array of ${schema.items ? describeType(schema.items) : 'any'}`;
  }
  if (type === 'object' && !schema.properties && schema.additionalProperties && typeof schema.additionalProperties === 'object' && Object.keys(schema.additionalProperties).length) {
    return `object of ${describeType(schema.additionalProperties)}`;
  }
  const bound = typeof schema.maxLength === 'number' ? `, at most ${schema.maxLength} characters` : '';
  if (typeof schema.pattern === 'string') return `${String(type)} matching \`${schema.pattern.replaceAll('|', '\\|')}\`${bound}`;
  return typeof type === 'string' ? `${type}${bound}` : 'any';
}
