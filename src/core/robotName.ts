/** A robot's full name `namespace+short` in its two parts; a name without `+` is a short name (namespace ''). */
export function splitRobotName(fullName: string): { readonly namespace: string; readonly shortName: string } {
  const plus = fullName.indexOf('+');
  return plus < 0 ? { namespace: '', shortName: fullName } : { namespace: fullName.slice(0, plus), shortName: fullName.slice(plus + 1) };
}

/** Quay's robot short-name rule (util/validation.py `validate_username`): the regex and 2-255 characters. */
export const ROBOT_NAME_PATTERN = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

/** Why a short name would be refused, in words; undefined when Quay would accept it. */
export function robotNameProblem(shortName: string): string | undefined {
  if (shortName.length < 2 || shortName.length > 255) return 'A robot name has 2 to 255 characters.';
  if (!ROBOT_NAME_PATTERN.test(shortName)) {
    return 'Use lowercase letters and digits, separated by single ".", "_" or "-" (Quay: ^[a-z0-9]+(?:[._-][a-z0-9]+)*$).';
  }
  return undefined;
}

/**
 * Why a typed user name (or a robot's full name `namespace+short`) cannot name a Quay account; undefined
 * when it can. Quay's usernames follow the robot rule above, so `.`, `..`, `/` and blanks never pass.
 */
export function userNameProblem(name: string): string | undefined {
  const parts = name.split('+');
  if (parts.length > 2 || parts.some((p) => p.length < 2 || p.length > 255 || !ROBOT_NAME_PATTERN.test(p))) {
    return 'Enter a Quay username (lowercase letters and digits, separated by single ".", "_" or "-") or a robot name namespace+robot.';
  }
  return undefined;
}
