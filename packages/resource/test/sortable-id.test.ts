import { sortableId } from '../src/sortable-id';

describe('sortableId', () => {
  it('is a version 7 UUID that sorts by creation, also within one millisecond', () => {
    const ids = Array.from({ length: 1000 }, () => sortableId(1_800_000_000_000));
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    const later = sortableId(1_800_000_000_001);
    expect(later > ids[ids.length - 1]).toBe(true);
  });
});
