/** The registry of extractors, one per language family. */
import type { Extractor } from '../engine/extractor.js';
import { expressExtractor } from './express/index.js';
import { nginxExtractor } from './nginx/index.js';
import { pythonExtractor } from './python/index.js';

export const allExtractors: Extractor[] = [expressExtractor, nginxExtractor, pythonExtractor];
