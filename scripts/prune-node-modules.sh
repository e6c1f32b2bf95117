#!/bin/sh
# Run by the Dockerfile after `npm ci --omit=dev`: removes from node_modules what Node never loads
# at run time, to keep the image small. Source maps, type declarations and docs; the browser,
# React Native and workerd builds the Azure SDK packages ship beside their Node builds; and
# @azure/msal-browser, which @azure/identity imports only from its browser build.
set -eu
cd "${1:-node_modules}"
find . -type f \( -name '*.map' -o -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' -o -name '*.md' -o -name '*.markdown' \) -delete
find . -type d \( -path '*/dist/browser' -o -path '*/dist/react-native' -o -path '*/dist/workerd' \) -prune -exec rm -rf {} +
rm -rf @azure/msal-browser
