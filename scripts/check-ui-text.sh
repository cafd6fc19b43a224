#!/usr/bin/env bash
# No user-visible text in Kotlin or Swift (ENGINEERING rule; issue 10): texts come from the
# core (problems, errors, catalog names in vi and en) or from string resources (Android
# res/values*/strings.xml, iOS String Catalog). Fails on a string literal that looks like
# user text (a non-ASCII letter, or two or more words); SwiftUI keys such as "home.title",
# routes, keys, log tags and formats pass; a rare exception takes `// ui-text-ok: <reason>`
# on its line. First checks itself on fixtures (one set must fail line by line, one must
# pass), then the sources, then that the English strings.xml has exactly the Vietnamese keys.
set -euo pipefail
cd "$(dirname "$0")/.."
check=scripts/check_ui_text.py

python3 "$check" --self-test scripts/ui-text-fixtures
python3 "$check" \
  android/app/src/main/kotlin \
  android/presentation/src/main \
  ios/App \
  ios/Sources/TungNhaPresentation
res=android/app/src/main/res
python3 "$check" --resources "$res/values/strings.xml" "$res/values-en/strings.xml"
echo "ui-text: no user-visible literals; string resources complete"
