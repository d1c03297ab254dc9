// The slice of OpenAPI 3.1 the aggregator's document uses, typed so the document is checked by the compiler.

/** A JSON Schema (2020-12, as OpenAPI 3.1 uses it), loosely typed. */
export type JsonSchema = { [key: string]: unknown };

/** One operation of a path. */
export interface Operation {
  summary: string;
  description?: string;
  operationId: string;
  /** Permission the bearer token's role needs; `public` for none. */
  'x-cascade-permission': string;
  parameters?: Array<{ name: string; in: 'query' | 'header'; required?: boolean; description: string; schema: JsonSchema }>;
  requestBody?: { required: boolean; content: { 'application/json': { schema: JsonSchema } } };
  responses: Record<string, { description: string; content?: Record<string, { schema: JsonSchema }> }>;
  security?: Array<Record<string, string[]>>;
}

/** Methods the aggregator serves. */
export type Method = 'get' | 'post' | 'delete';

/** The whole document. */
export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  servers: Array<{ url: string }>;
  paths: Record<string, Partial<Record<Method, Operation>>>;
  components: { schemas: Record<string, JsonSchema>; securitySchemes: Record<string, JsonSchema> };
}
