/**
 * Kubernetes object-name rules (k8s.io/apimachinery `validation.IsDNS1123Subdomain` / `IsDNS1123Label`).
 * Secret and ServiceAccount names are subdomains; namespaces are labels.
 */
const LABEL = '[a-z0-9](?:[-a-z0-9]*[a-z0-9])?';
const SUBDOMAIN_PATTERN = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`);
const LABEL_PATTERN = new RegExp(`^${LABEL}$`);

/** A valid Secret / ServiceAccount name: lowercase alphanumerics, '-' and '.', at most 253 characters. */
export function isDnsSubdomain(name: string): boolean {
  return name.length > 0 && name.length <= 253 && SUBDOMAIN_PATTERN.test(name);
}

/** A valid namespace name: lowercase alphanumerics and '-', at most 63 characters. */
export function isDnsLabel(name: string): boolean {
  return name.length > 0 && name.length <= 63 && LABEL_PATTERN.test(name);
}

/** Why a Secret/ServiceAccount name would be rejected by the API server, or undefined. */
export function objectNameProblem(name: string): string | undefined {
  if (isDnsSubdomain(name)) return undefined;
  return `"${name}" is not a valid Kubernetes object name (lowercase letters, digits, '-' and '.', at most 253 characters, starting and ending with a letter or digit).`;
}

/** The namespaces of a list the user typed, separated by spaces or commas, each once. */
export function namespaceList(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter((n) => n !== ''))];
}

/** Why a namespace would be rejected, or undefined. */
export function namespaceProblem(namespace: string): string | undefined {
  if (isDnsLabel(namespace)) return undefined;
  return `"${namespace}" is not a valid namespace (lowercase letters, digits and '-', at most 63 characters, starting and ending with a letter or digit).`;
}
