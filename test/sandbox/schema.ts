/**
 * The subset of JSON Schema Quay's request schemas use (type, enum, required, properties, items,
 * maxLength), reporting like Python `jsonschema.validate`: the best-matching error (shallowest
 * path first, then an instance that does not even match its schema's type), rendered as
 * `str(ValidationError)` — the message line, then "Failed validating …" and "On instance…" blocks
 * (contract §0.4, row "JSON-schema violation").
 */
import { pyRepr } from './json';

export interface Schema {
  readonly type?: string | readonly string[];
  readonly description?: string;
  readonly enum?: readonly (string | null)[];
  readonly required?: readonly string[];
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly items?: Schema;
  readonly maxLength?: number;
  readonly minimum?: number;
}

interface SchemaError {
  readonly message: string;
  readonly validator: string;
  readonly path: readonly (string | number)[];
  readonly schemaPath: readonly (string | number)[];
  readonly schema: Schema;
  readonly instance: unknown;
  readonly typeMismatch: boolean;
}

function matchesType(instance: unknown, type: string): boolean {
  switch (type) {
    case 'object':
      return typeof instance === 'object' && instance !== null && !Array.isArray(instance);
    case 'array':
      return Array.isArray(instance);
    case 'string':
      return typeof instance === 'string';
    case 'integer':
      return typeof instance === 'number' && Number.isInteger(instance);
    case 'number':
      return typeof instance === 'number';
    case 'boolean':
      return typeof instance === 'boolean';
    case 'null':
      return instance === null;
    default:
      return true;
  }
}

function typeOk(schema: Schema, instance: unknown): boolean {
  if (schema.type === undefined) return true;
  const types = typeof schema.type === 'string' ? [schema.type] : schema.type;
  return types.some((t) => matchesType(instance, t));
}

function collect(schema: Schema, instance: unknown, path: (string | number)[], schemaPath: (string | number)[], out: SchemaError[]): void {
  const push = (validator: string, message: string, extra: (string | number)[] = []): void => {
    out.push({ message, validator, path: [...path, ...extra], schemaPath: [...schemaPath, validator], schema, instance, typeMismatch: !typeOk(schema, instance) });
  };
  // Keywords in the order Quay's schema literals declare them (Python dicts keep insertion order).
  for (const key of Object.keys(schema)) {
    switch (key) {
      case 'type': {
        if (!typeOk(schema, instance)) {
          const types = typeof schema.type === 'string' ? [schema.type] : (schema.type ?? []);
          push('type', `${pyRepr(instance)} is not of type ${types.map((t) => pyRepr(t)).join(', ')}`);
        }
        break;
      }
      case 'enum': {
        const options = schema.enum ?? [];
        if (!options.some((o) => o === instance)) push('enum', `${pyRepr(instance)} is not one of ${pyRepr(options)}`);
        break;
      }
      case 'maxLength': {
        if (typeof instance === 'string' && [...instance].length > (schema.maxLength ?? Infinity)) push('maxLength', `${pyRepr(instance)} is too long`);
        break;
      }
      case 'minimum': {
        if (typeof instance === 'number' && instance < (schema.minimum ?? -Infinity)) push('minimum', `${pyRepr(instance)} is less than the minimum of ${schema.minimum}`);
        break;
      }
      case 'required': {
        if (matchesType(instance, 'object')) {
          const obj = instance as Record<string, unknown>;
          for (const name of schema.required ?? []) if (!(name in obj)) push('required', `${pyRepr(name)} is a required property`);
        }
        break;
      }
      case 'properties': {
        if (matchesType(instance, 'object')) {
          const obj = instance as Record<string, unknown>;
          for (const [name, sub] of Object.entries(schema.properties ?? {})) {
            if (name in obj) collect(sub, obj[name], [...path, name], [...schemaPath, 'properties', name], out);
          }
        }
        break;
      }
      case 'items': {
        if (Array.isArray(instance) && schema.items) {
          instance.forEach((item, i) => collect(schema.items as Schema, item, [...path, i], [...schemaPath, 'items'], out));
        }
        break;
      }
      default:
        break;
    }
  }
}

/** `pprint.pformat(thing, width=72, sort_dicts=False)`, close enough for nested dicts and lists. */
function pformat(value: unknown, column: number, width = 72): string {
  const flat = pyRepr(value);
  if (column + flat.length <= width) return flat;
  if (Array.isArray(value) && value.length > 0) {
    const parts = value.map((v, i) => pformat(v, column + 1, width - (i === value.length - 1 ? 1 : 0)));
    return `[${parts.join(`,\n${' '.repeat(column + 1)}`)}]`;
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return flat;
    const parts = entries.map(([k, v], i) => {
      const head = `${pyRepr(k)}: `;
      return head + pformat(v, column + 1 + head.length, width - (i === entries.length - 1 ? 1 : 0));
    });
    return `{${parts.join(`,\n${' '.repeat(column + 1)}`)}}`;
  }
  return flat;
}

function formatIndex(container: string, indices: readonly (string | number)[]): string {
  return container + indices.map((i) => `[${pyRepr(i)}]`).join('');
}

function render(e: SchemaError): string {
  const schemaPath = formatIndex('schema', e.schemaPath.slice(0, -1));
  const instancePath = formatIndex('instance', e.path);
  const pretty = (v: unknown): string => pformat(v, 0).replace(/\n/g, '\n    ');
  return `${e.message}\n\nFailed validating ${pyRepr(e.validator)} in ${schemaPath}:\n    ${pretty(e.schema)}\n\nOn ${instancePath}:\n    ${pretty(e.instance)}`;
}

/** Returns `str(best_match(errors))`, or undefined when the instance is valid. */
export function validateSchema(schema: Schema, instance: unknown): string | undefined {
  const errors: SchemaError[] = [];
  collect(schema, instance, [], [], errors);
  let best: SchemaError | undefined;
  for (const e of errors) {
    if (!best) best = e;
    else {
      const a = [-e.path.length, e.typeMismatch ? 1 : 0];
      const b = [-best.path.length, best.typeMismatch ? 1 : 0];
      if ((a[0] ?? 0) > (b[0] ?? 0) || ((a[0] ?? 0) === (b[0] ?? 0) && (a[1] ?? 0) > (b[1] ?? 0))) best = e;
    }
  }
  return best && render(best);
}

// ----- the request schemas of the endpoints the sandbox serves (quay/quay, same key order) -------

const ROLE_ENUM = ['read', 'write', 'admin'] as const;

export const SCHEMAS = {
  CreateRobot: {
    type: 'object',
    description: 'Optional data for creating a robot',
    properties: {
      description: { type: 'string', description: 'Optional text description for the robot', maxLength: 255 },
      unstructured_metadata: { type: 'object', description: 'Optional unstructured metadata for the robot' },
    },
  },
  CreateRobotFederation: {
    type: 'array',
    description: 'Federation configuration for the robot',
    items: {
      type: 'object',
      properties: {
        issuer: { type: 'string', description: 'The issuer of the token' },
        subject: { type: 'string', description: 'The subject of the token' },
      },
      required: ['issuer', 'subject'],
    },
  },
  UserPermission: {
    type: 'object',
    description: 'Description of a user permission.',
    required: ['role'],
    properties: { role: { type: 'string', description: 'Role to use for the user', enum: ROLE_ENUM } },
  },
  TeamPermission: {
    type: 'object',
    description: 'Description of a team permission.',
    required: ['role'],
    properties: { role: { type: 'string', description: 'Role to use for the team', enum: ROLE_ENUM } },
  },
  NewPrototype: {
    type: 'object',
    description: 'Description of a new prototype',
    required: ['role', 'delegate'],
    properties: {
      role: { type: 'string', description: 'Role that should be applied to the delegate', enum: ROLE_ENUM },
      activating_user: {
        type: 'object',
        description: 'Repository creating user to whom the rule should apply',
        required: ['name'],
        properties: { name: { type: 'string', description: 'The username for the activating_user' } },
      },
      delegate: {
        type: 'object',
        description: 'Information about the user or team to which the rule grants access',
        required: ['name', 'kind'],
        properties: {
          name: { type: 'string', description: 'The name for the delegate team or user' },
          kind: { type: 'string', description: 'Whether the delegate is a user or a team', enum: ['user', 'team'] },
        },
      },
    },
  },
  PrototypeUpdate: {
    type: 'object',
    description: 'Description of a the new prototype role',
    required: ['role'],
    properties: { role: { type: 'string', description: 'Role that should be applied to the permission', enum: ROLE_ENUM } },
  },
  TeamDescription: {
    type: 'object',
    description: 'Description of a team',
    required: ['role'],
    properties: {
      role: { type: 'string', description: 'Org wide permissions that should apply to the team', enum: ['member', 'creator', 'admin'] },
      description: { type: 'string', description: 'Markdown description for the team' },
    },
  },
  NewRepo: {
    type: 'object',
    description: 'Description of a new repository',
    required: ['repository', 'visibility', 'description'],
    properties: {
      repository: { type: 'string', description: 'Repository name' },
      visibility: { type: 'string', description: 'Visibility which the repository will start with', enum: ['public', 'private'] },
      namespace: {
        type: 'string',
        description: 'Namespace in which the repository should be created. If omitted, the username of the caller is used',
      },
      description: { type: 'string', description: 'Markdown encoded description for the repository' },
      repo_kind: { type: ['string', 'null'], description: 'The kind of repository', enum: ['image', null] },
    },
  },
} satisfies Record<string, Schema>;
