// Rafiki's FilterString input, read as the services take it. As in Rafiki, an absent or empty `in` filters nothing;
// `notIn` (a Sluice addition) leaves out the values it lists.
import type { StringFilter } from '@sluice/resource';

export interface FilterStringInput {
  in?: readonly string[] | null;
  notIn?: readonly string[] | null;
}

export function readStringFilter(input: FilterStringInput | null | undefined): StringFilter | undefined {
  const filter: StringFilter = {};
  if (input?.in && input.in.length > 0) filter.in = input.in;
  if (input?.notIn && input.notIn.length > 0) filter.notIn = input.notIn;
  return filter.in || filter.notIn ? filter : undefined;
}
