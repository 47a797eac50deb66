/** Where each rule's documentation lives (the rules/<id>/README.md of the published repository). */
export const REPOSITORY_URL = 'https://github.com/cors-lint/cors-lint';

export function docsUrl(ruleId: string): string {
  const id = ruleId.startsWith('cors/') ? ruleId.slice(5) : ruleId;
  return `${REPOSITORY_URL}/blob/main/rules/${id}/README.md`;
}

export const PARSE_ERROR_ID = 'parse-error';
