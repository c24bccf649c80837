// Builds the executable schema: the SDL of schema.ts with our scalars and resolvers attached. Every Query and
// Mutation field must have a resolver and every resolver must name a schema field, checked at start, so the schema
// and the code cannot drift apart silently. Every mutation goes through the idempotency wrapper.
import {
  buildSchema,
  isObjectType,
  isScalarType,
  type GraphQLFieldResolver,
  type GraphQLResolveInfo,
  type GraphQLSchema,
} from 'graphql';
import type { AdminContext } from './context';
import { idempotent } from './idempotent';
import { jsonObject, uint64, uint8 } from './scalars';
import { typeDefs } from './schema';

export type FieldResolver = GraphQLFieldResolver<unknown, AdminContext, Record<string, unknown>>;
export type ResolverMap = Record<string, Record<string, FieldResolver>>;

/** Types a resolver's source and arguments (the schema guarantees their shape when it runs). */
export function field<Source, Args = Record<string, never>>(
  resolve: (source: Source, args: Args, context: AdminContext, info: GraphQLResolveInfo) => unknown,
): FieldResolver {
  return resolve as unknown as FieldResolver;
}

const SCALARS = { UInt64: uint64, UInt8: uint8, JSONObject: jsonObject };

export function buildAdminSchema(resolverMaps: ResolverMap[]): GraphQLSchema {
  const schema = buildSchema(typeDefs);
  for (const [name, implementation] of Object.entries(SCALARS)) {
    const scalar = schema.getType(name);
    if (!isScalarType(scalar)) throw new Error(`schema has no scalar ${name}`);
    Object.assign(scalar, implementation);
  }
  for (const resolvers of resolverMaps) {
    for (const [typeName, fields] of Object.entries(resolvers)) {
      const type = schema.getType(typeName);
      if (!isObjectType(type)) throw new Error(`resolvers for unknown type ${typeName}`);
      const schemaFields = type.getFields();
      for (const [fieldName, resolve] of Object.entries(fields)) {
        const schemaField = schemaFields[fieldName];
        if (!schemaField) throw new Error(`resolver for unknown field ${typeName}.${fieldName}`);
        if (schemaField.resolve) throw new Error(`two resolvers for ${typeName}.${fieldName}`);
        schemaField.resolve = typeName === 'Mutation' ? (idempotent(fieldName, resolve) as FieldResolver) : resolve;
      }
    }
  }
  for (const root of [schema.getQueryType(), schema.getMutationType()]) {
    for (const rootField of Object.values(root?.getFields() ?? {})) {
      if (!rootField.resolve) throw new Error(`no resolver for ${root?.name}.${rootField.name}`);
    }
  }
  return schema;
}
