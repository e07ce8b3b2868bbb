/** The engine's version, recorded in every run's fingerprint (kept equal to the package's by a test). */
export const engineVersion = "0.2.0";
