// docs/openapi.yaml as a checker: resolves an operation's (or a named
// component's) response for a status, and reports every way a real response
// differs from it: undocumented status, missing or wrong headers, content
// type, body schema. OpenAPI 3.1 schemas are JSON Schema 2020-12.
import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

const SCHEMA_BASE = 'https://crud.invalid/openapi/schemas/';
// Statuses a `default` response may stand for: server failures and the
// errors nginx gives for a slow client or an over-long request line.
const DEFAULT_STATUSES = new Set([408, 414, 500, 502, 503, 504]);

// Points the document's local schema references at the ids given to
// components.schemas, so each schema compiles on its own.
function absoluteRefs(node) {
  if (Array.isArray(node)) return node.map(absoluteRefs);
  if (!node || typeof node !== 'object') return node;
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    out[key] = key === '$ref' && value.startsWith('#/components/schemas/')
      ? SCHEMA_BASE + value.slice('#/components/schemas/'.length)
      : absoluteRefs(value);
  }
  return out;
}

function mediaType(value) {
  const [base, ...params] = value.split(';').map((part) => part.trim().toLowerCase());
  return { base, params: params.filter(Boolean).map((p) => p.replace(/\s+/g, '')) };
}

// A documented media type matches when the base types are equal and every
// parameter it names is present (application/json also allows charset=utf-8).
function mediaTypeMatches(documented, actual) {
  const d = mediaType(documented);
  const a = mediaType(actual);
  return d.base === a.base && d.params.every((p) => a.params.includes(p));
}

export class OpenApi {
  constructor(path) {
    this.doc = parse(readFileSync(path, 'utf8'));
    this.ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false });
    addFormats(this.ajv);
    for (const [name, schema] of Object.entries(this.doc.components.schemas)) {
      this.ajv.addSchema(absoluteRefs(schema), SCHEMA_BASE + name);
    }
    this.validators = new Map();
  }

  // Follows a local $ref (#/components/...) to the object it names.
  resolve(node) {
    if (!node || !node.$ref) return node;
    const target = node.$ref
      .slice(2)
      .split('/')
      .reduce((at, key) => at[key.replace(/~1/g, '/').replace(/~0/g, '~')], this.doc);
    return this.resolve(target);
  }

  // Every operation as "METHOD /path" with its responses object.
  operations() {
    const ops = [];
    for (const [path, item] of Object.entries(this.doc.paths)) {
      for (const method of ['get', 'put', 'post', 'delete', 'patch', 'head', 'options']) {
        if (item[method]) ops.push({ key: `${method.toUpperCase()} ${path}`, op: item[method] });
      }
    }
    return ops;
  }

  operation(key) {
    const [method, path] = key.split(' ');
    const op = this.doc.paths[path]?.[method.toLowerCase()];
    if (!op) throw new Error(`no operation ${key} in the OpenAPI document`);
    return op;
  }

  // The methods the document has for a path: what nginx's Allow must list.
  methodsOf(path) {
    return this.operations()
      .filter((o) => o.key.split(' ')[1] === path)
      .map((o) => o.key.split(' ')[0]);
  }

  validator(schema) {
    if (!this.validators.has(schema)) {
      this.validators.set(schema, this.ajv.compile(absoluteRefs(schema)));
    }
    return this.validators.get(schema);
  }

  schemaProblems(schema, value, where) {
    const validate = this.validator(schema);
    if (validate(value)) return [];
    return validate.errors.map((e) => `${where}${e.instancePath} ${e.message}`);
  }

  // Which documented response a status falls under: "201", or "default".
  responseKey(responses, status) {
    if (responses[String(status)]) return String(status);
    if (responses.default && DEFAULT_STATUSES.has(status)) return 'default';
    return null;
  }

  // Problems of `res` ({status, headers, text}) against a response object.
  responseProblems(response, res) {
    const problems = [];
    for (const [name, header] of Object.entries(response.headers ?? {})) {
      const h = this.resolve(header);
      const value = name.toLowerCase() === 'set-cookie'
        ? res.headers.getSetCookie().join(', ') || null
        : res.headers.get(name);
      if (value === null) {
        if (h.required) problems.push(`header ${name} missing`);
        continue;
      }
      const typed = h.schema?.type === 'integer' && /^-?\d+$/.test(value) ? Number(value) : value;
      problems.push(...this.schemaProblems(h.schema, typed, `header ${name}`));
    }
    if (!res.headers.get('x-request-id')) problems.push('header X-Request-ID missing');
    const content = response.content;
    if (!content) {
      if (res.text !== '') problems.push(`a body where none is documented: ${res.text.slice(0, 80)}`);
      return problems;
    }
    const actualType = res.headers.get('content-type') ?? '';
    const documented = Object.keys(content).find((t) => mediaTypeMatches(t, actualType));
    if (!documented) {
      problems.push(`Content-Type "${actualType}" is none of ${Object.keys(content).join(', ')}`);
      return problems;
    }
    let body = res.text;
    if (mediaType(documented).base === 'application/json') {
      try {
        body = JSON.parse(res.text);
      } catch {
        return [...problems, `body is not JSON: ${res.text.slice(0, 80)}`];
      }
    }
    const schema = content[documented].schema;
    if (schema) problems.push(...this.schemaProblems(schema, body, 'body'));
    return problems;
  }
}
