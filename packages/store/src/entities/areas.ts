// Areas (district / street / community): areaByCode, areaChildren.
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { AppError } from '@tmc/core/kernel/errors';
import { levelOf, parentOf, type Area, type AreaInput } from '@tmc/core/areas/model';
import { isConditionFailed } from '../tx';
import type { AreaStore } from '@tmc/core/areas/ports';
import type { AccessPattern } from '../access-pattern';
import type { Db } from '../table';

const AREA_CHILDREN_MAX = 200; // a street with more than 200 communities would be a data error

export const ROOT_AREA = 'ROOT';

export const areaKeys = {
  area: (code: string) => ({ pk: `AREA#${code}`, sk: 'AREA' }),
  areaChildrenIndex: (parent: string | null, code: string) => ({
    gsi1pk: `AREA_CHILDREN#${parent ?? ROOT_AREA}`,
    gsi1sk: code,
  }),
  areaChildrenPk: (parent: string | null) => `AREA_CHILDREN#${parent ?? ROOT_AREA}`,
} as const;

export const areaPatterns = (): AccessPattern[] => [
  {
    name: 'areaByCode',
    index: 'table',
    operation: ['GetItem'],
    pk: 'AREA#{code}',
    sk: 'AREA',
    used_by: 'areas (AreaStore.get)',
    about: '',
  },
  {
    name: 'areaChildren',
    index: 'gsi1',
    operation: ['Query'],
    pk: 'AREA_CHILDREN#{parent or ROOT}',
    sk: '{code}',
    used_by: 'areas (AreaStore.children)',
    about: `at most ${AREA_CHILDREN_MAX} children read`,
  },
];
const keys = areaKeys; // this entity's own keys, by their short names

const toArea = (it: Record<string, unknown>): Area => ({
  code: String(it.code),
  name: String(it.name),
  level: it.level as Area['level'],
  parent_code: (it.parent_code as string | null) ?? null,
  centroid: it.centroid as Area['centroid'],
});

export const getArea = async (db: Db, code: string): Promise<Area | null> => {
  const r = await db.doc.send(new GetCommand({ TableName: db.table, Key: keys.area(code) }));
  return r.Item ? toArea(r.Item) : null;
};

export const putArea = async (db: Db, input: AreaInput, opts: { allowExisting?: boolean } = {}): Promise<Area> => {
  const parent_code = parentOf(input.code);
  if (parent_code && !(await getArea(db, parent_code)))
    throw new AppError('AREA_NOT_FOUND', { details: { code: parent_code } });
  const area: Area = { ...input, level: levelOf(input.code), parent_code };
  try {
    await db.doc.send(
      new PutCommand({
        TableName: db.table,
        Item: { ...keys.area(input.code), ...keys.areaChildrenIndex(parent_code, input.code), type: 'area', ...area },
        ...(opts.allowExisting ? {} : { ConditionExpression: 'attribute_not_exists(pk)' }),
      }),
    );
  } catch (e) {
    if (isConditionFailed(e)) throw new AppError('AREA_EXISTS', { cause: e });
    throw e;
  }
  return area;
};

export const listChildAreas = async (db: Db, parent: string | null): Promise<Area[]> => {
  const r = await db.doc.send(
    new QueryCommand({
      TableName: db.table,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :p',
      ExpressionAttributeValues: { ':p': keys.areaChildrenPk(parent) },
      Limit: AREA_CHILDREN_MAX,
    }),
  );
  return (r.Items ?? []).map(toArea);
};

export const createAreaStore = (db: Db): AreaStore => ({
  get: (code) => getArea(db, code),
  put: (a, opts) => putArea(db, a, opts),
  children: (parent) => listChildAreas(db, parent),
});
