#!/bin/sh
# Run by the Dockerfile after `npm ci --omit=dev`: removes from node_modules what Node never loads
# at run time, to keep the image small. Each rule names why the files are never loaded.
set -eu
cd "${1:-node_modules}"

# Source maps, type declarations, TypeScript sources (Node refuses to strip types under
# node_modules), docs, and npm's own cache of the tree.
find . -type f \( -name '*.map' -o -name '*.ts' -o -name '*.mts' -o -name '*.cts' -o -name '*.md' -o -name '*.markdown' \) -delete
rm -f .package-lock.json

# Packages' own tests, benchmarks, examples, docs and CI settings: folders at a package's root only
# (deeper folders of these names can be code: yaml's dist/doc is).
find . -type d \( -name test -o -name tests -o -name __tests__ -o -name benchmark -o -name benchmarks \
  -o -name example -o -name examples -o -name docs -o -name .github \) -prune -print |
  while read -r dir; do
    pkg=$(dirname "$dir")
    case $(basename "$(dirname "$pkg")") in
      node_modules | @* | .) if [ -f "$pkg/package.json" ]; then rm -rf "$dir"; fi ;;
    esac
  done

# The browser, React Native and workerd builds the Azure SDK packages ship beside their Node builds.
find . -type d \( -path '*/dist/browser' -o -path '*/dist/react-native' -o -path '*/dist/workerd' -o -path '*/dist-browser' \) -prune -exec rm -rf {} +

# @azure/identity imports @azure/msal-browser only from its browser build. Without it, the top-level
# @azure/msal-common is used by nothing when @azure/msal-node carries its own (another version).
rm -rf @azure/msal-browser
if [ -d @azure/msal-node/node_modules/@azure/msal-common ]; then rm -rf @azure/msal-common; fi

# Bundles for browsers and bundlers beside the CommonJS files Node loads: moment is loaded through
# its main (moment.js, locales from locale/); validator through index.js and lib/; axios through
# dist/node/axios.cjs or index.js (its dist/esm is the React Native build, dist/axios*.js the
# browser's); the Swagger UI page loads swagger-ui-bundle.js, never the bundlers' swagger-ui.js.
rm -rf moment/min moment/src moment/dist
rm -rf validator/es validator/validator.js validator/validator.min.js
for axios in axios */node_modules/axios; do
  rm -rf "$axios/dist/esm" "$axios/dist/axios.js" "$axios/dist/axios.min.js"
done
rm -f @fastify/swagger-ui/static/swagger-ui.js
# Browser bundles beside the files Node loads (fast-xml-parser: lib/fxp.cjs and src/; @azure/functions:
# dist/azure-functions.js), and the bundlers' builds of @opentelemetry/api (its `esnext` and `module`
# export conditions are never set by Node, which loads build/src).
rm -f fast-xml-parser/lib/*.min.js @azure/functions/dist/azure-functions.min.js
rm -rf @opentelemetry/api/build/esm @opentelemetry/api/build/esnext
# durable-functions loads lodash only as lodash/cloneDeep; the whole-library builds go unless some
# file requires lodash itself or lodash/fp.
if ! grep -rqE "require\(['\"]lodash(/fp)?['\"]\)|from ['\"]lodash(/fp)?['\"]" --include='*.js' --include='*.cjs' --include='*.mjs' --exclude-dir=lodash .; then
  rm -rf lodash/lodash.js lodash/lodash.min.js lodash/core.js lodash/core.min.js lodash/fp.js lodash/fp
fi

# CommonJS builds of packages that ship one for `require` and one for `import`, where only the ESM
# side is reached: taskhub imports them from ES modules, and they import each other. The builds go
# only when no CommonJS file outside them requires one of these packages (taskhub's own code loads
# only @azure/functions and durable-functions with require); otherwise all are kept. Files an ES
# module imports from inside such a build (core-tracing and core-client share their state with the
# CommonJS side that way) stay, with the package.json that makes them CommonJS.
CJS_BUILDS=$(ls -d @azure/*/dist/commonjs @typespec/ts-http-runtime/dist/commonjs @azure/msal-node/lib \
  @azure/msal-node/node_modules/@azure/msal-common/lib @sinclair/typebox/build/cjs \
  @fastify/type-provider-typebox/dist/cjs 2>/dev/null)
ESM_PACKAGES='@azure/(abort-controller|core-[a-z-]+|data-tables|identity|logger|msal-node|msal-common|storage-[a-z]+)|@typespec/ts-http-runtime|@sinclair/typebox|@fastify/type-provider-typebox'
inside_cjs_build() {
  for dir in $CJS_BUILDS; do
    case $1 in "./$dir/"*) return 0 ;; esac
  done
  return 1
}
requirers=$(grep -rlE "require\(['\"]($ESM_PACKAGES)(/[^'\"]*)?['\"]\)" --include='*.js' --include='*.cjs' . |
  while read -r file; do if ! inside_cjs_build "$file"; then echo "$file"; fi; done)
# ES modules' relative imports that land inside a CommonJS build.
imported=$(grep -rHoE "(from|import\() *['\"]\.{1,2}/[^'\"]*(commonjs|cjs|lib)/[^'\"]*['\"]" --include='*.js' --include='*.mjs' . |
  while IFS=: read -r file spec; do
    if inside_cjs_build "$file"; then continue; fi
    spec=${spec#*[\'\"]}
    target=$(realpath -m --relative-to=. "$(dirname "$file")/${spec%[\'\"]}")
    if inside_cjs_build "./$target"; then echo "./$target"; fi
  done | sort -u)
for file in $imported; do
  if grep -q 'require(' "$file"; then requirers="$requirers $file (imported from ESM, requires more)"; fi
done
if [ -z "$requirers" ]; then
  for dir in $CJS_BUILDS; do
    set --
    for file in $imported; do set -- "$@" ! -path "$file"; done
    find "./$dir" -type f ! -name package.json "$@" -delete
  done
else
  echo "prune: CommonJS builds kept, required by: $requirers"
fi

# The same files in several copies (ajv and fast-uri are installed once per dependent) become hard
# links to one copy: stored once in the image, still separate modules for Node.
find . -type f -size +1k -exec sha256sum {} + | sort | awk '$1 == hash { print first, $2; next } { hash = $1; first = $2 }' |
  while read -r keep dup; do ln -f "$keep" "$dup"; done
