/** Synthetic agency identifiers (MaDinhDanh). Pure: used by the k6 journeys and by the mock. */
export const provinceCount = 34;

/** About 3,300 communes over 34 provinces: 97 each (DOMAIN.md). */
export const communesPerProvince = 97;

const two = (n: number): string => String(n).padStart(2, "0");

export const provinceLabel = (province: number): string => `H${two(province)}`;

export const provinceAgency = (province: number): string => `000.00.00.H${two(province)}`;

/** Commune agencies of a province: `000.00.CC.HPP`, CC = 01..97. */
export const communeAgency = (province: number, commune: number): string =>
  `000.00.${two(commune)}.H${two(province)}`;
