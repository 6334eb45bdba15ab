#!/usr/bin/env bash
# Layering lint (issue 20): HTTP stays at the edge, the maths core stays pure, rows are read by column name, handlers
# call services, enums cross without silent fallbacks, tests mirror sources. Run by deploy/test.sh before the Swift
# tests; runs alone in well under a second:
#   deploy/lint-layers.sh
#
# Rule http-below-edge — in Sources/MonPS, only the edge may name the API's HTTP vocabulary: `APIError`,
#   `APIErrorConvertible`, `.apiError`, `ProblemMapper`, `HTTPError`, `HTTPRequest`, `HTTPResponse`, `HTTPFields`,
#   `HTTPField`, or import `Hummingbird*`/`HTTPTypes`. Services, repositories, jobs and domain errors throw domain
#   errors; a `<Type>+HTTP.swift` next to the type maps them to problem+json.
#   The edge (paths relative to Sources/MonPS):
#     *API.swift, *API+*.swift   handlers (`extension APIHandler`) and their generated-type mapping
#     *Middleware.swift           middleware
#     *+HTTP.swift                domain error → problem mapping
#     HTTP/                       the problem mapper, APIError, request context, HTTP plumbing
#     App/                        application assembly (router, middleware order, listeners)
#   plus the allow-list below. Outbound HTTP clients (AsyncHTTPClient/NIOHTTP1 in OddsAPI/) are not the API's
#   surface and are not checked. Comments are not checked.
# Rule core-imports — Sources/MonPSCore imports none of MonPS, MonPSAPI, Hummingbird*, HTTPTypes, OpenAPI*,
#   Postgres*, NIO*, AsyncHTTPClient: it is pure logic, testable without servers.
# Rule rows-by-name — in Sources/MonPS, rows are read by column name through `RowReader` (Database/RowReader.swift):
#   no positional tuple decode `row.decode((A, B, …).self)` (on one line or split after `decode(`) and no other
#   random-access row reader, so a reordered select
#   list can never shift values into the wrong fields. A single-column `decode(T.self)` is fine.
# Rule handlers-use-services — handlers (*API.swift, *API+*.swift) name no repository type and write no audit entry:
#   they map generated types to and from a feature's service, which holds the rules, calls its repository and records
#   what it must.
# Rule enums-bridged — handlers and their mapping files (the handler files above, `*+API.swift` included) convert
#   between the contract's and the domain's enums with an exhaustive switch or `bridged()`, never by raw value with a
#   silent fallback: no `X(rawValue: y.rawValue)`, no `X(rawValue: …) ?? default` and no `X.init(rawValue:)` passed to
#   `map`/`flatMap` (an unknown value dropped or replaced).
# Rule tests-mirror-sources — Tests/MonPSTests mirrors Sources/MonPS and Tests/MonPSCoreTests mirrors
#   Sources/MonPSCore: every test file is in the folder of a source folder (or in Support/, the harness, or Fixtures/,
#   the sample files), and every source folder with Swift code has its test folder.
# Exit status: 0 clean, 1 with one `file:line: [rule] …` line per offence on stderr.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Allow-list: path prefixes (relative to Sources/MonPS) that are HTTP code outside the naming convention, one reason each.
allow=(
    "Web/" # the browser face: static files, the refresh cookie and CSRF/Origin checks are request/response code by nature
    "Notifications/Stream/StreamGate.swift" # decides a WebSocket upgrade from the HTTP request head, before the router
    "Notifications/Stream/StreamUpgradeChannel.swift" # the HTTP/1 channel that upgrades to WebSocket or hands over
)

# Prints `file:line: text` for code lines (comments stripped) of the given files matching an ERE.
code_matches() {
    local pattern=$1
    shift
    [[ $# -gt 0 ]] || return 0
    awk -v pattern="$pattern" '
        FNR == 1 { block = 0 }
        {
            line = $0
            if (block) { if (index(line, "*/") == 0) next; line = substr(line, index(line, "*/") + 2); block = 0 }
            if (line ~ /^[[:space:]]*\/\*/ && index(line, "*/") == 0) { block = 1; next }
            if (line ~ /^[[:space:]]*\/\//) next
            sub(/[[:space:]]\/\/.*$/, "", line) # a trailing comment (URLs in strings have no space before //)
            if (line ~ pattern) { sub(/^[[:space:]]+/, "", line); printf "%s:%d: %s\n", FILENAME, FNR, line }
        }' "$@"
}

in_edge() {
    local rel=${1#Sources/MonPS/} name=${1##*/} prefix
    case $name in *API.swift | *API+*.swift | *Middleware.swift | *+HTTP.swift) return 0 ;; esac
    case $rel in HTTP/* | App/*) return 0 ;; esac
    for prefix in "${allow[@]}"; do [[ $rel == "$prefix"* ]] && return 0; done
    return 1
}

offences=0
report() { # report RULE MESSAGE < file:line: text
    local rule=$1 message=$2 hit
    while IFS= read -r hit; do
        printf '%s\n' "${hit%%: *}: [$rule] $message: ${hit#*: }" >&2
        offences=$((offences + 1))
    done
}

below_edge=()
while IFS= read -r -d '' file; do
    in_edge "$file" || below_edge+=("$file")
done < <(find Sources/MonPS -name '*.swift' -print0 | sort -z)

w='(^|[^[:alnum:]_])' e='([^[:alnum:]_]|$)'
http_names="${w}(APIError|APIErrorConvertible|ProblemMapper|HTTPError|HTTPRequest|HTTPResponse|HTTPFields|HTTPField)${e}|\\.apiError${e}"
http_imports="^[[:space:]]*(@[[:alnum:]_]+[[:space:]]+)*import[[:space:]]+([a-z]+[[:space:]]+)?(Hummingbird[[:alnum:]_]*|HTTPTypes[[:alnum:]_]*)${e}"
report http-below-edge "HTTP below the edge" \
    < <(code_matches "$http_names|$http_imports" "${below_edge[@]}")

core_files=()
while IFS= read -r -d '' file; do core_files+=("$file"); done < <(find Sources/MonPSCore -name '*.swift' -print0 | sort -z)
core_imports="^[[:space:]]*(@[[:alnum:]_]+[[:space:]]+)*import[[:space:]]+([a-z]+[[:space:]]+)?(MonPS|MonPSAPI|Hummingbird[[:alnum:]_]*|HTTPTypes[[:alnum:]_]*|OpenAPI[[:alnum:]_]*|Postgres[[:alnum:]_]*|NIO[[:alnum:]_]*|AsyncHTTPClient)${e}"
report core-imports "MonPSCore imports a non-pure module" \
    < <(code_matches "$core_imports" "${core_files[@]}")

app_files=()
while IFS= read -r -d '' file; do
    [[ $file == Sources/MonPS/Database/RowReader.swift ]] || app_files+=("$file")
done < <(find Sources/MonPS -name '*.swift' -print0 | sort -z)
# A call split after `decode(` is checked too: it is how the long tuples were written.
report rows-by-name "row read by position" \
    < <(code_matches '[.]decode[(][(]|[.]decode[(][[:space:]]*$|makeRandomAccess[(]' "${app_files[@]}")

handler_files=()
while IFS= read -r -d '' file; do
    case ${file##*/} in *API.swift | *API+*.swift) handler_files+=("$file") ;; esac
done < <(find Sources/MonPS -name '*.swift' -print0 | sort -z)
report handlers-use-services "handler reaches a repository" \
    < <(code_matches "${w}[[:alnum:]_]*Repository${e}|[.]repository[.]|[.]audit[.]record[(]" "${handler_files[@]}")

report enums-bridged "enum converted by raw value" \
    < <(code_matches 'rawValue: [^()]*[.]rawValue[)]|[(]rawValue: [^()]*[)][[:space:]]*[?][?]|init[(]rawValue:[)]' \
        "${handler_files[@]}")

# Top-level folders of a tree, one per line.
folders_of() { find "$1" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort; }
mirror_pairs=("Sources/MonPS Tests/MonPSTests" "Sources/MonPSCore Tests/MonPSCoreTests")
for pair in "${mirror_pairs[@]}"; do
    read -r sources tests <<<"$pair"
    source_folders=$(folders_of "$sources")
    while IFS= read -r -d '' file; do
        rel=${file#"$tests"/}
        folder=${rel%%/*}
        [[ $rel == */* ]] || folder=""
        case $folder in Support | Fixtures) continue ;; esac
        if [[ -z $folder ]] || ! grep -qxF "$folder" <<<"$source_folders"; then
            report tests-mirror-sources "test outside the source tree's folders" <<<"$file:1: not in a folder of $sources"
        fi
    done < <(find "$tests" -name '*.swift' -print0 | sort -z)
    while IFS= read -r folder; do
        [[ -n $(find "$sources/$folder" -name '*.swift' -print -quit) ]] || continue
        [[ -d $tests/$folder ]] || report tests-mirror-sources "source folder without tests" <<<"$sources/$folder:1: no $tests/$folder"
    done <<<"$source_folders"
done

if [[ $offences -gt 0 ]]; then
    printf '[monps] lint-layers: %d offence(s). http-below-edge: map domain errors in a <Type>+HTTP.swift, move handler code to a *API.swift; core-imports: keep MonPSCore pure; rows-by-name: read columns with RowReader; handlers-use-services: call the feature service; enums-bridged: use an exhaustive switch or bridged(); tests-mirror-sources: put a test beside its source folder. Rules and allow-list: deploy/lint-layers.sh\n' "$offences" >&2
    exit 1
fi
printf '[monps] lint-layers: clean (%d files below the edge, %d core files checked, %d files checked for rows read by position, %d handler files checked for repositories and enums converted by raw value, tests mirror sources)\n' \
    "${#below_edge[@]}" "${#core_files[@]}" "${#app_files[@]}" "${#handler_files[@]}" >&2
