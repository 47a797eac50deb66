/** The registry of rules. Every folder under rules/ has a rule.ts registered here and a README.md. */
import type { Rule } from '../src/engine/rule.js';
import { droppedCorsHeaders } from './dropped-cors-headers/rule.js';
import reflectedOriginWithCredentials from './reflected-origin-with-credentials/rule.js';
import wildcardOriginWithCredentials from './wildcard-origin-with-credentials/rule.js';
import reflectedOrigin from './reflected-origin/rule.js';
import wildcardWithCredentials from './wildcard-with-credentials/rule.js';
import authorizationNotCovered from './authorization-not-covered/rule.js';
import preflightMethodsIncomplete from './preflight-methods-incomplete/rule.js';
import preflightHeadersIncomplete from './preflight-headers-incomplete/rule.js';
import missingPreflightHandler from './missing-preflight-handler/rule.js';
import invalidPreflightRoute from './invalid-preflight-route/rule.js';
import corsMiddlewareOrder from './cors-middleware-order/rule.js';
import corsMissingOnErrorResponses from './cors-missing-on-error-responses/rule.js';
import duplicateAllowOrigin from './duplicate-allow-origin/rule.js';
import missingVaryOrigin from './missing-vary-origin/rule.js';
import invalidHeaderValue from './invalid-header-value/rule.js';
import excessiveMaxAge from './excessive-max-age/rule.js';
import privateNetworkAccess from './private-network-access/rule.js';
import permissiveOriginPattern from './permissive-origin-pattern/rule.js';
import untrustedOriginSuffix from './untrusted-origin-suffix/rule.js';
import insecureOrigin from './insecure-origin/rule.js';
import nullOriginAllowed from './null-origin-allowed/rule.js';
import invalidOrigin from './invalid-origin/rule.js';

export const allRules: Rule[] = [
  reflectedOriginWithCredentials,
  wildcardOriginWithCredentials,
  reflectedOrigin,
  wildcardWithCredentials,
  authorizationNotCovered,
  preflightMethodsIncomplete,
  preflightHeadersIncomplete,
  missingPreflightHandler,
  invalidPreflightRoute,
  corsMiddlewareOrder,
  corsMissingOnErrorResponses,
  duplicateAllowOrigin,
  missingVaryOrigin,
  invalidHeaderValue,
  excessiveMaxAge,
  privateNetworkAccess,
  droppedCorsHeaders,
  permissiveOriginPattern,
  untrustedOriginSuffix,
  insecureOrigin,
  nullOriginAllowed,
  invalidOrigin,
];

export const ruleIds: ReadonlySet<string> = new Set(allRules.map((r) => r.meta.id));
