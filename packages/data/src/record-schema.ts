// How a record schema is compiled, on the main thread and in the CSV worker alike: core by subpath,
// so the worker bundle does not load AWS clients.
import {
  compileSchema,
  createAjv,
  type ErrorObject,
  type JsonSchema,
  type ValidateFunction,
} from '@modelship/core/schema';

/** The decimal digits of a finite number as written by `String(n)`: `digits × 10^exponent`. */
function decimalParts(n: number): { digits: bigint; exponent: number } {
  const s = String(Math.abs(n));
  const e = s.indexOf('e');
  const mantissa = e === -1 ? s : s.slice(0, e);
  const dot = mantissa.indexOf('.');
  const fraction = dot === -1 ? 0 : mantissa.length - dot - 1;
  return {
    digits: BigInt(mantissa.replace('.', '')),
    exponent: (e === -1 ? 0 : Number(s.slice(e + 1))) - fraction,
  };
}

/** How many decimal places `String(n)` shows (`19.99` → 2, `1e-7` → 7, `1e21` → 0). */
function decimalPlaces(n: number): number {
  return Math.max(0, -decimalParts(n).exponent);
}

/**
 * Whether `value` is a multiple of `step`, as the decimal numbers they are written as: `19.99` is a
 * multiple of `0.01` although `19.99 / 0.01` is `1998.9999999999998` in binary floating point.
 * Exact both ways (`19.991` is not), at any magnitude: small cases by integer arithmetic on the
 * values scaled to whole numbers, the rest with BigInt.
 */
export function isDecimalMultiple(value: number, step: number): boolean {
  if (!Number.isFinite(value) || !Number.isFinite(step) || step <= 0) return false;
  if (Number.isInteger(value / step)) return true;
  const places = Math.max(decimalPlaces(value), decimalPlaces(step));
  if (places <= 22) {
    const scale = 10 ** places;
    const v = Math.round(value * scale);
    const s = Math.round(step * scale);
    // Below 2^50 the scaled values are within a quarter of an integer, so rounding recovers them.
    if (Math.abs(v) < 2 ** 50 && s < 2 ** 50) return v % s === 0;
  }
  const a = decimalParts(value);
  const b = decimalParts(step);
  const e = Math.min(a.exponent, b.exponent);
  const av = a.digits * 10n ** BigInt(a.exponent - e);
  const bv = b.digits * 10n ** BigInt(b.exponent - e);
  return av % bv === 0n;
}

/** Replace ajv's binary `multipleOf` (which rejects `19.99` for `0.01`) with the decimal one. */
function decimalMultipleOf(ajv: ReturnType<typeof createAjv>): void {
  ajv.removeKeyword('multipleOf');
  const check = (step: number, value: number): boolean => {
    if (isDecimalMultiple(value, step)) return true;
    const error: Partial<ErrorObject> = {
      keyword: 'multipleOf',
      message: `must be multiple of ${step}`,
      params: { multipleOf: step },
    };
    check.errors = [error];
    return false;
  };
  check.errors = [] as Partial<ErrorObject>[];
  ajv.addKeyword({
    keyword: 'multipleOf',
    type: 'number',
    schemaType: 'number',
    errors: true,
    validate: check,
  });
}

/**
 * Compile the schema one record must satisfy: every error of a record is collected (`allErrors`),
 * and `multipleOf` compares decimals. An invalid schema is a ConfigError naming `where`.
 */
export function compileRecordSchema(doc: JsonSchema, where: string): ValidateFunction {
  const ajv = createAjv(doc, { allErrors: true });
  decimalMultipleOf(ajv);
  return compileSchema(ajv, doc, where);
}
