import type { VehicleCategory } from '../../core/api/models';
import type { TranslationKey } from '../../core/i18n/i18n';

/**
 * What a customer reads of an ACRISS code, from its letters (the API's decoded attributes are
 * English text; these are dictionary keys): position 1 the class, position 3 the gearbox and
 * drive; air conditioning, seats, doors and bags come from the API.
 */
const CLASSES: Readonly<Record<string, TranslationKey>> = {
  M: 'acriss.class.M',
  N: 'acriss.class.N',
  E: 'acriss.class.E',
  H: 'acriss.class.H',
  C: 'acriss.class.C',
  D: 'acriss.class.D',
  I: 'acriss.class.I',
  J: 'acriss.class.J',
  S: 'acriss.class.S',
  R: 'acriss.class.R',
  F: 'acriss.class.F',
  G: 'acriss.class.G',
  P: 'acriss.class.P',
  U: 'acriss.class.U',
  L: 'acriss.class.L',
  W: 'acriss.class.W',
  O: 'acriss.class.O',
  X: 'acriss.class.X',
};

/** The classes a customer filters by, smallest first. */
export const CLASS_FILTERS = ['M', 'E', 'C', 'I', 'S', 'F', 'P', 'L', 'X'] as const;

export function classKey(code: string): TranslationKey {
  return CLASSES[code.charAt(0)] ?? 'acriss.class.X';
}

export function isAutomatic(code: string): boolean {
  return ['A', 'B', 'D'].includes(code.charAt(2));
}

export function transmissionKey(code: string): TranslationKey {
  switch (code.charAt(2)) {
    case 'A':
      return 'acriss.transmission.automatic';
    case 'B':
      return 'acriss.transmission.automatic4wd';
    case 'D':
      return 'acriss.transmission.automaticAwd';
    case 'N':
      return 'acriss.transmission.manual4wd';
    case 'C':
      return 'acriss.transmission.manualAwd';
    default:
      return 'acriss.transmission.manual';
  }
}

/** `Peugeot 308 or similar` is the API's description; the rest is decoded here. */
export interface CategoryFeatures {
  readonly classKey: TranslationKey;
  readonly transmissionKey: TranslationKey;
  readonly automatic: boolean;
  readonly airConditioning: boolean;
  readonly seats: number;
  readonly doors: number;
  readonly bags: number;
}

export function featuresOf(category: VehicleCategory): CategoryFeatures {
  return {
    classKey: classKey(category.code),
    transmissionKey: transmissionKey(category.code),
    automatic: isAutomatic(category.code),
    airConditioning: category.airConditioning,
    seats: category.seats,
    doors: category.doors,
    bags: category.bags,
  };
}

/** Position 4's fuel, when the code says one (R and N leave it unspecified). */
export function fuelKey(code: string): TranslationKey | null {
  switch (code.charAt(3)) {
    case 'D':
    case 'Q':
      return 'acriss.fuel.diesel';
    case 'H':
      return 'acriss.fuel.hybrid';
    case 'I':
      return 'acriss.fuel.plugInHybrid';
    case 'E':
    case 'C':
      return 'acriss.fuel.electric';
    case 'V':
    case 'Z':
      return 'acriss.fuel.petrol';
    case 'L':
    case 'S':
      return 'acriss.fuel.lpg';
    case 'A':
    case 'B':
      return 'acriss.fuel.hydrogen';
    case 'U':
    case 'X':
      return 'acriss.fuel.ethanol';
    case 'M':
    case 'F':
      return 'acriss.fuel.multi';
    default:
      return null;
  }
}
