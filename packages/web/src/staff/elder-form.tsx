// The elder form of the staff console, for registering (ElderInput) and editing (ElderPatch):
// the flat form fields, their mapping onto the core schemas (which stay the only source of the
// rules), and field errors mapped back onto the form.
import * as z from 'zod/mini';
import {
  CARE_LEVELS,
  CARE_LEVEL_ZH,
  ElderInput,
  ElderPatch,
  GENDER_ZH,
  SPECIAL_CATEGORIES,
  SPECIAL_CATEGORY_ZH,
  type ElderRecord,
} from '@tmc/core/elders/model';
import { parseIdNumber } from '@tmc/core/elders/id-card';
import type { FieldIssue } from '@tmc/core/kernel/errors';
import { zodFields } from '@tmc/app/public';
import { T } from '../kit/layout';
import { ErrorBox, Field, SelectField, fieldErrors, type Msg } from '../kit/ui';

type Cat = (typeof SPECIAL_CATEGORIES)[number];
const opt = (max: number) => z.optional(z.string().check(z.maxLength(max)));
const catShape = Object.fromEntries(SPECIAL_CATEGORIES.map((k) => [`cat_${k}`, opt(5)])) as {
  [K in Cat as `cat_${K}`]: z.ZodMiniOptional<z.ZodMiniString>;
};

/** Every field is a bounded string here; the core schemas judge the values. */
export const ElderFormBody = z.object({
  name: opt(60),
  id_number: opt(30),
  gender: opt(2),
  birth_date: opt(20),
  phone: opt(20),
  community_code: opt(120),
  address: opt(240),
  lng: opt(20),
  lat: opt(20),
  care_level: opt(20),
  ec_name: opt(60),
  ec_phone: opt(20),
  remove_phone: opt(5),
  remove_ec: opt(5),
  version: opt(12),
  ...catShape,
});
export type ElderFormValues = z.infer<typeof ElderFormBody>;

export type FormResult<T> = { ok: true; value: T } | { ok: false; errors: Record<string, Msg> };

const FIELD_OF_PATH: Record<string, string> = {
  'emergency_contact.name': 'ec_name',
  'emergency_contact.phone': 'ec_phone',
  emergency_contact: 'ec_name',
  'location.lat': 'lat',
  'location.lng': 'lng',
  location: 'lng',
};
const formField = (path: string): string =>
  FIELD_OF_PATH[path] ?? (path.startsWith('special_categories') ? 'cats' : (path.split('.')[0] ?? path));

export const formErrorsOf = (issues: readonly FieldIssue[]) => fieldErrors(issues, formField);

const issue = (path: string, code: string): FieldIssue => ({ path, code, message: code });
const clean = (s: string | undefined) => (s ?? '').trim();
const digits = (s: string | undefined) => clean(s).replace(/[\s-]/g, '');

const catsOf = (f: ElderFormValues): Cat[] => SPECIAL_CATEGORIES.filter((k) => Boolean(f[`cat_${k}`]));

/** Two inputs that mean something only together: true when both are given; one alone is an issue on `path`. */
const bothOrNeither = (a: string, b: string, path: string, issues: FieldIssue[]): boolean => {
  if (!a && !b) return false;
  if (!a || !b) {
    issues.push(issue(path, 'BOTH_OR_NEITHER'));
    return false;
  }
  return true;
};

const locationOf = (f: ElderFormValues, issues: FieldIssue[]) => {
  const lng = clean(f.lng);
  const lat = clean(f.lat);
  if (!bothOrNeither(lng, lat, 'location', issues)) return null;
  const loc = { lng: Number(lng), lat: Number(lat) };
  if (!Number.isFinite(loc.lng) || !Number.isFinite(loc.lat)) {
    issues.push(issue('location', 'NOT_A_NUMBER'));
    return null;
  }
  return loc;
};

const contactOf = (f: ElderFormValues, issues: FieldIssue[]) => {
  const name = clean(f.ec_name);
  const phone = digits(f.ec_phone);
  if (!bothOrNeither(name, phone, 'emergency_contact', issues)) return null;
  return { name, phone };
};

/** Form -> ElderInput. Gender and birth date may be left empty: the ID number supplies them. */
export const toElderInput = (f: ElderFormValues): FormResult<ElderInput> => {
  const issues: FieldIssue[] = [];
  const id_number = clean(f.id_number).toUpperCase();
  const facts = parseIdNumber(id_number);
  const candidate = {
    name: clean(f.name),
    id_number,
    gender: clean(f.gender) || facts?.gender || '',
    birth_date: clean(f.birth_date) || facts?.birth_date || '',
    phone: digits(f.phone) || null,
    community_code: clean(f.community_code),
    address: clean(f.address),
    location: locationOf(f, issues),
    care_level: clean(f.care_level),
    special_categories: catsOf(f),
    emergency_contact: contactOf(f, issues),
  };
  const r = ElderInput.safeParse(candidate);
  if (!r.success) issues.push(...zodFields(r.error));
  return issues.length > 0 || !r.success ? { ok: false, errors: formErrorsOf(issues) } : { ok: true, value: r.data };
};

/** Form -> ElderPatch holding only what changed, so the audit record names the real edits.
 * Phone and emergency-contact phone are stored encrypted and never shown: empty means "keep". */
export const toElderPatch = (f: ElderFormValues, e: ElderRecord): FormResult<ElderPatch> => {
  const issues: FieldIssue[] = [];
  const patch: Record<string, unknown> = { version: Number(f.version) };
  const name = clean(f.name);
  if (name !== e.name) patch.name = name;
  if (f.remove_phone) patch.phone = null;
  else if (digits(f.phone)) patch.phone = digits(f.phone);
  const community = clean(f.community_code);
  if (community && community !== e.community_code) patch.community_code = community;
  const address = clean(f.address);
  if (address !== e.address) patch.address = address;
  const loc = locationOf(f, issues);
  if (JSON.stringify(loc) !== JSON.stringify(e.location ? { lng: e.location.lng, lat: e.location.lat } : null))
    patch.location = loc;
  const care = clean(f.care_level);
  if (care !== e.care_level) patch.care_level = care;
  const cats = catsOf(f);
  if ([...cats].sort().join() !== [...e.special_categories].sort().join()) patch.special_categories = cats;
  if (f.remove_ec) patch.emergency_contact = null;
  else {
    const ec = contactOf(f, issues);
    if (ec) patch.emergency_contact = ec;
  }
  const r = ElderPatch.safeParse(patch);
  if (!r.success) issues.push(...zodFields(r.error));
  if (issues.length > 0 || !r.success) return { ok: false, errors: formErrorsOf(issues) };
  // ElderPatch fills `special_categories: []` when it is absent (a default inside the optional),
  // which would wipe an elder's categories; keep only the fields this form actually changed.
  return { ok: true, value: Object.fromEntries(Object.entries(r.data).filter(([k]) => k in patch)) as ElderPatch };
};

/** The form's values for an existing record (encrypted phones stay empty). */
export const valuesOf = (e: ElderRecord): ElderFormValues => ({
  name: e.name,
  community_code: e.community_code,
  address: e.address,
  lng: e.location ? String(e.location.lng) : '',
  lat: e.location ? String(e.location.lat) : '',
  care_level: e.care_level ?? '',
  version: String(e.version),
  ...Object.fromEntries(e.special_categories.map((k) => [`cat_${k}`, '1'])),
});

export const ElderFields = (props: {
  mode: 'new' | 'edit';
  values: ElderFormValues;
  errors: Record<string, Msg>;
  communities: { code: string; label: string }[];
  current?: ElderRecord;
}) => {
  const v = props.values;
  const err = props.errors;
  return (
    <>
      <div class="cols">
        <Field name="name" required maxlength={30} value={v.name} error={err.name} label={{ zh: '姓名', en: 'Name' }} />
        {props.mode === 'new' && (
          <>
            <Field
              name="id_number"
              required
              maxlength={18}
              value={v.id_number}
              error={err.id_number}
              autocomplete="off"
              label={{ zh: '身份证号', en: 'ID number' }}
            />
            <SelectField
              name="gender"
              value={v.gender}
              error={err.gender}
              blank="按身份证号 From ID number"
              label={{ zh: '性别', en: 'Gender' }}
              options={(['M', 'F'] as const).map((g) => ({ value: g, label: GENDER_ZH[g] }))}
            />
            <Field
              name="birth_date"
              type="date"
              value={v.birth_date}
              error={err.birth_date}
              label={{ zh: '出生日期（可不填）', en: 'Birth date' }}
            />
          </>
        )}
        <Field
          name="phone"
          type="tel"
          inputmode="numeric"
          maxlength={13}
          value={props.mode === 'new' ? v.phone : ''}
          error={err.phone}
          label={
            props.mode === 'new'
              ? { zh: '手机号（可不填）', en: 'Mobile (optional)' }
              : {
                  zh: `新手机号（留空不修改；现为 ${props.current?.phone_masked ?? '未登记'}）`,
                  en: 'New mobile; empty keeps it',
                }
          }
        />
        <SelectField
          name="community_code"
          required
          value={v.community_code}
          error={err.community_code}
          blank="请选择 Choose"
          label={{ zh: '社区', en: 'Community' }}
          options={props.communities.map((c) => ({ value: c.code, label: c.label }))}
        />
        <Field
          name="address"
          required
          maxlength={120}
          value={v.address}
          error={err.address}
          label={{ zh: '住址', en: 'Address' }}
        />
        <SelectField
          name="care_level"
          required
          value={v.care_level}
          error={err.care_level}
          blank="请选择 Choose"
          label={{ zh: '护理等级', en: 'Care level' }}
          options={CARE_LEVELS.map((c) => ({ value: c, label: CARE_LEVEL_ZH[c] }))}
        />
        <Field
          name="lng"
          inputmode="decimal"
          maxlength={20}
          value={v.lng}
          error={err.lng}
          label={{ zh: '经度（可不填）', en: 'Longitude' }}
        />
        <Field
          name="lat"
          inputmode="decimal"
          maxlength={20}
          value={v.lat}
          error={err.lat}
          label={{ zh: '纬度（可不填）', en: 'Latitude' }}
        />
      </div>
      <fieldset>
        <legend>
          <T zh="特殊类别" en="Special categories" />
        </legend>
        <ErrorBox msg={err.cats} />
        <div class="checks">
          {SPECIAL_CATEGORIES.map((k) => (
            <label>
              <input type="checkbox" name={`cat_${k}`} value="1" checked={Boolean(v[`cat_${k}`])} />{' '}
              {SPECIAL_CATEGORY_ZH[k]}
            </label>
          ))}
        </div>
      </fieldset>
      <fieldset>
        <legend>
          {props.mode === 'new' ? (
            <T zh="紧急联系人（可不填，姓名和电话都填）" en="Emergency contact (optional)" />
          ) : (
            <T
              zh={`紧急联系人（现为 ${props.current?.emergency_contact_name ?? '无'}；留空不修改）`}
              en="Emergency contact; empty keeps it"
            />
          )}
        </legend>
        <div class="cols">
          <Field
            name="ec_name"
            maxlength={30}
            value={props.mode === 'new' ? v.ec_name : ''}
            error={err.ec_name}
            label={{ zh: '联系人姓名', en: 'Name' }}
          />
          <Field
            name="ec_phone"
            type="tel"
            inputmode="numeric"
            maxlength={13}
            value={props.mode === 'new' ? v.ec_phone : ''}
            error={err.ec_phone}
            label={{ zh: '联系人手机', en: 'Mobile' }}
          />
        </div>
        {props.mode === 'edit' && (
          <div class="checks">
            <label>
              <input type="checkbox" name="remove_phone" value="1" /> 删除老人手机号 Remove mobile
            </label>
            <label>
              <input type="checkbox" name="remove_ec" value="1" /> 删除紧急联系人 Remove contact
            </label>
          </div>
        )}
      </fieldset>
      {props.mode === 'edit' && <input type="hidden" name="version" value={v.version ?? ''} />}
    </>
  );
};
