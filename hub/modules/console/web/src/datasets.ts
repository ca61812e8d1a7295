/** The shared datasets (schemas/datasets/), and `documents` for documents sent: suggestions for the filters. */
export const DATASETS = [
  'population',
  'civil-status',
  'social-insurance',
  'judicial-records',
  'driving-licences',
  'business-registry',
  'land-parcels',
  'documents',
] as const;

/** Fields of the population dataset the lineage search suggests. */
export const COMMON_FIELDS = [
  'fullName',
  'dateOfBirth',
  'gender',
  'ethnicity',
  'permanentResidence',
  'household',
] as const;
