/**
 * Which files are nginx configuration.
 *
 * By path: `nginx.conf`, `*.conf` under an `nginx/`, `conf.d/`, `sites-*`, `snippets/` or `templates/`
 * directory, anything (often extension-less) under `sites-available/` / `sites-enabled/`, and templates of
 * those (`*.conf.template`, `*.conf.tpl`, `*.conf.j2`). By content: any config-like file whose text has the
 * nginx shape (`server {`, `location ... {`, `add_header ...;`). Not every `.conf` is nginx: INI files
 * (supervisord, fail2ban, systemd), Apache (`<VirtualHost>`) and others are rejected by their content.
 * YAML files (docker-compose, Helm values, Kubernetes ConfigMaps, Elastic Beanstalk `.ebextensions/*.config`) are
 * accepted when they embed an nginx block.
 */

const NGINX_DIR = /(^|\/)(nginx[^/]*|conf\.d|sites-(available|enabled)|snippets|http\.d|vhosts?\.d|vhosts|servers)\//i;
const SITES_DIR = /(^|\/)sites-(available|enabled)\//i;
const TEMPLATE_EXT = /\.(template|tpl|tmpl|j2|jinja2?|erb|gotmpl)$/i;
const CONF_LIKE_EXT = /\.(conf|nginx|nginxconf|vhost|inc|site|locations?)$/i;
/** YAML, and Elastic Beanstalk's `.ebextensions/*.config` (YAML whose `files:` entries embed nginx configuration). */
const YAML_EXT = /\.ya?ml$|(^|\/)\.ebextensions\/[^/]+\.config$/i;
/** A file named after the site it serves (`vhost.d/api.example.io`, `nginx/web.staging.app`, nginx-proxy's convention). */
const DOMAIN_NAME = /^(?:[a-z0-9-]+\.)+[a-z]{2,24}$/i;
const NEVER = /\.(js|mjs|cjs|ts|tsx|jsx|py|rb|go|rs|java|kt|php|md|markdown|rst|txt|json|toml|ini|cfg|html?|css|scss|lock|sh|bash|ps1|bat|xml|svg|png|jpe?g|gif|ico|gz|zip|tar|pem|crt|key|csv|log)$/i;

/** Content that nginx would reject and other formats use. */
const FOREIGN = /^\s*(<\/?(VirtualHost|Directory|IfModule|Location|Files)\b|\[[\w .:/-]+\]\s*$|LoadModule\s|ServerName\s|DocumentRoot\s|frontend\s|backend\s)/im;
/** Strong nginx shape: block headers or directives only nginx has. */
const NGINX_SHAPE =
  /(^|[\s{;])(server|http|location\s+[^{;]*|upstream\s+\S+|map\s+\$\S+\s+\$\S+|if\s*\([^)]*\))\s*\{|(^|[\s{;])(add_header|more_set_headers|proxy_pass|fastcgi_pass|listen|server_name|proxy_set_header|try_files|add_header_inherit)\s+[^;{}\n]*;/m;

/** A block header or header directive at the start of a line. */
const STRONG_SHAPE = /^[ \t]*(server|http|location[ \t]+[^{;\n]+|upstream[ \t]+\S+|map[ \t]+\$\S+[ \t]+\$\S+)[ \t]*\{|^[ \t]*(add_header|more_set_headers)[ \t]+\S+/m;
/**
 * http-context directives a site file may open with before its first block (audit 24: `proxy_cache_path`,
 * `limit_req_zone`; audit 36 nginx D4, Jitsi Meet's Debian site: `server_names_hash_bucket_size 64;`). Names
 * only nginx uses, each followed by arguments and `;` (possibly over several lines, like `log_format`).
 */
const HTTP_LEADING_DIRECTIVE =
  '(?:server_names_hash_(?:bucket|max)_size|map_hash_(?:bucket|max)_size|types_hash_(?:bucket|max)_size|variables_hash_(?:bucket|max)_size' +
  '|client_max_body_size|client_body_(?:buffer_size|timeout|temp_path)|client_header_(?:buffer_size|timeout)|large_client_header_buffers' +
  '|(?:proxy|fastcgi|uwsgi|scgi)_(?:cache_path|temp_path|buffers?|buffer_size|busy_buffers_size|buffering|(?:connect|read|send)_timeout|http_version|set_header|cache_key|max_temp_file_size|temp_file_write_size|headers_hash_(?:bucket|max)_size)' +
  '|gzip(?:_[a-z_]+)?|log_format|access_log|error_log|resolver(?:_timeout)?|limit_(?:req|conn)_(?:zone|status|log_level)' +
  '|ssl_[a-z_]+|include|sendfile|tcp_nopush|tcp_nodelay|keepalive_(?:timeout|requests)|send_timeout|server_tokens|underscores_in_headers' +
  '|real_ip_(?:header|recursive)|set_real_ip_from|charset|source_charset|default_type|open_file_cache(?:_[a-z_]+)?|add_header|more_set_headers)';
/**
 * A file that starts (after comments, blank lines and http-level directives only nginx has) with a server,
 * upstream, map or geo block.
 */
const LEADING_BLOCK = new RegExp(
  `^(?:[ \\t\\r]*#[^\\n]*\\n|[ \\t\\r]*\\n|[ \\t]*${HTTP_LEADING_DIRECTIVE}[ \\t][^;{}]*;[ \\t\\r]*(?:#[^\\n]*)?\\n)*` +
    `[ \\t]*(server|upstream[ \\t]+\\S+|map[ \\t]+\\S+[ \\t]+\\$\\S+|geo(?:[ \\t]+\\$\\S+)?[ \\t]+\\$\\S+)[ \\t]*\\{`,
);
/** Well-known extension-less files that are never nginx configuration. */
const NOT_NGINX_NAMES = /^(Dockerfile|Containerfile|Makefile|GNUmakefile|Jenkinsfile|Vagrantfile|Procfile|Caddyfile|Gemfile|Rakefile|Brewfile|Justfile|Tiltfile|LICEN[CS]E|COPYING|README|CHANGELOG|CODEOWNERS|AUTHORS|NOTICE|VERSION)([.-].*)?$/i;

function basename(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? path : path.slice(i + 1);
}

/** Strips template extensions: `default.conf.template` → `default.conf`. */
export function stripTemplateExt(path: string): string {
  return path.replace(TEMPLATE_EXT, '');
}

export function isTemplatePath(path: string): boolean {
  return TEMPLATE_EXT.test(path);
}

export function isYamlPath(path: string): boolean {
  return YAML_EXT.test(path);
}

/**
 * A docker-compose file: compose replaces `${VAR}` in it from the environment before any container sees the text,
 * so there `${VAR}` is a placeholder. Kubernetes ConfigMaps, Helm values and ingress annotations are not
 * substituted: their `${cors}` is nginx's braced variable (audit 16 case 10).
 */
export function isComposePath(path: string): boolean {
  return /(^|\/)(docker-)?compose([.-][\w.-]+)?\.ya?ml$/i.test(path);
}

/** True when the text has the nginx shape and nothing that makes it another format. */
export function looksLikeNginx(text: string): boolean {
  return NGINX_SHAPE.test(text) && !FOREIGN.test(text);
}

/** The extractor's `accepts`: path first, content (first KiB) when the path alone is not enough. */
export function acceptsNginx(path: string, head: string): boolean {
  const base = basename(path);
  const plain = stripTemplateExt(path);
  const plainBase = basename(plain);
  if (YAML_EXT.test(plain)) return /nginx|add_header|location\s/i.test(path + '\n' + head);
  if (NEVER.test(plain)) return false;
  if (/^nginx.*\.conf$/i.test(plainBase) || /\.nginx(\.conf)?$/i.test(plainBase)) return !FOREIGN.test(head) || NGINX_SHAPE.test(head);
  if (SITES_DIR.test(path) && !base.startsWith('.')) return !FOREIGN.test(head);
  if (CONF_LIKE_EXT.test(plainBase) && NGINX_DIR.test(path)) return !FOREIGN.test(head) || NGINX_SHAPE.test(head);
  if (NGINX_DIR.test(path) && DOMAIN_NAME.test(plainBase)) return STRONG_SHAPE.test(head) && !FOREIGN.test(head);
  // Elsewhere, only a block header or add_header at the start of a line counts (a Dockerfile that echoes a
  // server block, or a README-like file, does not).
  if (NOT_NGINX_NAMES.test(plainBase)) return false;
  if (CONF_LIKE_EXT.test(plainBase) || TEMPLATE_EXT.test(base) || !plainBase.includes('.')) return STRONG_SHAPE.test(head) && !FOREIGN.test(head);
  // A site file named after its domain outside an nginx directory (`backend/api.example.com`, audit 12 case 09):
  // only when it opens with a server, upstream or map block.
  if (DOMAIN_NAME.test(plainBase)) return LEADING_BLOCK.test(head) && !FOREIGN.test(head);
  return false;
}

/** The extractor's `mayAccept`: false when `acceptsNginx` is false whatever the file's first bytes are. */
export function mayAcceptNginx(path: string): boolean {
  const base = basename(path);
  const plain = stripTemplateExt(path);
  const plainBase = basename(plain);
  if (YAML_EXT.test(plain)) return true;
  if (NEVER.test(plain)) return false;
  if (/^nginx.*\.conf$/i.test(plainBase) || /\.nginx(\.conf)?$/i.test(plainBase)) return true;
  if (SITES_DIR.test(path) && !base.startsWith('.')) return true;
  if (CONF_LIKE_EXT.test(plainBase) && NGINX_DIR.test(path)) return true;
  if (NGINX_DIR.test(path) && DOMAIN_NAME.test(plainBase)) return true;
  if (NOT_NGINX_NAMES.test(plainBase)) return false;
  return CONF_LIKE_EXT.test(plainBase) || TEMPLATE_EXT.test(base) || !plainBase.includes('.') || DOMAIN_NAME.test(plainBase);
}

/**
 * The extractor's prefilter: a file can matter if it writes headers, includes another file (which may),
 * or hides upstream headers. Loose on purpose.
 */
export function nginxPrefilter(text: string): boolean {
  return /access-control|add_header|more_set_headers|include\s/i.test(text);
}
