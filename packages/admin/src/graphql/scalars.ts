// Implementations of the schema's custom scalars. Money never passes through a float: UInt64 is written as a decimal
// string and read from a string or an integer literal (a JSON number only when it is a safe integer).
import { GraphQLError, Kind, type ValueNode } from 'graphql';

export const UINT64_MAX = 2n ** 64n - 1n;
const DECIMAL = /^(0|[1-9][0-9]{0,19})$/;

function parseUInt64(value: unknown): bigint {
  let parsed: bigint | undefined;
  if (typeof value === 'string' && DECIMAL.test(value)) parsed = BigInt(value);
  else if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) parsed = BigInt(value);
  else if (typeof value === 'bigint') parsed = value;
  if (parsed === undefined || parsed < 0n || parsed > UINT64_MAX) {
    throw new GraphQLError(`UInt64 must be an integer from 0 to ${UINT64_MAX}, as a decimal string`);
  }
  return parsed;
}

export const uint64 = {
  /** Results: amounts arrive as bigint or decimal strings and leave as decimal strings. */
  serialize(value: unknown): string {
    return parseUInt64(value).toString();
  },
  parseValue: parseUInt64,
  parseLiteral(ast: ValueNode): bigint {
    if (ast.kind !== Kind.STRING && ast.kind !== Kind.INT) {
      throw new GraphQLError('UInt64 must be a string or an integer literal', { nodes: ast });
    }
    // Both literal kinds carry their digits as text, so even a 20-digit integer literal is read exactly.
    return parseUInt64(ast.value);
  },
};

function parseUInt8(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 255) {
    throw new GraphQLError('UInt8 must be an integer from 0 to 255');
  }
  return value;
}

export const uint8 = {
  serialize: parseUInt8,
  parseValue: parseUInt8,
  parseLiteral(ast: ValueNode): number {
    if (ast.kind !== Kind.INT) throw new GraphQLError('UInt8 must be an integer literal', { nodes: ast });
    return parseUInt8(Number(ast.value));
  },
};

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function literalToJson(ast: ValueNode, variables: Record<string, unknown> | null | undefined): unknown {
  switch (ast.kind) {
    case Kind.OBJECT:
      return Object.fromEntries(ast.fields.map((field) => [field.name.value, literalToJson(field.value, variables)]));
    case Kind.LIST:
      return ast.values.map((item) => literalToJson(item, variables));
    case Kind.STRING:
    case Kind.ENUM:
      return ast.value;
    case Kind.BOOLEAN:
      return ast.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(ast.value);
    case Kind.NULL:
      return null;
    case Kind.VARIABLE:
      return variables?.[ast.name.value];
  }
}

export const jsonObject = {
  serialize(value: unknown): Record<string, unknown> {
    if (!isPlainObject(value)) throw new GraphQLError('JSONObject must be an object');
    return value;
  },
  parseValue(value: unknown): Record<string, unknown> {
    if (!isPlainObject(value)) throw new GraphQLError('JSONObject must be an object');
    return value;
  },
  parseLiteral(ast: ValueNode, variables?: Record<string, unknown> | null): Record<string, unknown> {
    if (ast.kind !== Kind.OBJECT) throw new GraphQLError('JSONObject must be an object literal', { nodes: ast });
    return literalToJson(ast, variables) as Record<string, unknown>;
  },
};
