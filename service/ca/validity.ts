/** Truncates a date to whole seconds, the precision of the certificate time encodings used. */
export function wholeSeconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

/** Adds calendar years in UTC. February 29 becomes March 1 in a year without it. */
export function addYears(date: Date, years: number): Date {
  const result = new Date(date.getTime());
  result.setUTCFullYear(result.getUTCFullYear() + years);
  return result;
}

/** How far notBefore is set back, so that verifiers whose clock runs slow accept a new certificate. */
export const clockSkewAllowanceMs = 60_000;

/**
 * Computes the validity of a certificate issued at `now` for `years`, in whole seconds, with
 * notBefore set back by the clock skew allowance. `issuer` bounds it, because RFC 5280 path
 * validation rejects a certificate used outside its issuer's validity anyway.
 */
export function certificateValidity(now: Date, years: number, issuer?: { notBefore: Date; notAfter: Date }): { notBefore: Date; notAfter: Date } {
  let notBefore = wholeSeconds(new Date(now.getTime() - clockSkewAllowanceMs));
  let notAfter = wholeSeconds(addYears(now, years));
  if (issuer !== undefined) {
    if (notBefore < issuer.notBefore) notBefore = issuer.notBefore;
    if (notAfter > issuer.notAfter) notAfter = issuer.notAfter;
  }
  return { notBefore, notAfter };
}
