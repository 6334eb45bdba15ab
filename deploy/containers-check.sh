#!/usr/bin/env bash
# Validates the container files offline (no Docker engine or cluster runs here), with schema checkers from PyPI
# pinned in .var/containers/venv:
#   - deploy/k8s/*.yaml: kubernetes-validate --strict (bundles the Kubernetes 1.37 schemas; unknown fields fail);
#   - deploy/compose.yaml: check-jsonschema against its vendored compose-spec schema;
#   - deploy/grafana/monps-dashboard.json: check-jsonschema against deploy/grafana/dashboard.schema.json (the part of
#     Grafana's dashboard model we use: Grafana publishes no JSON schema), and every panel's PromQL through promtool;
#   - deploy/Dockerfile: runs as a non-root USER and has a HEALTHCHECK.
#   deploy/containers-check.sh      (run by deploy/cluster-test.sh)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$MONPS_DEPLOY_DIR"

venv="$(monps_var_dir)/containers/venv"
if [[ ! -x "$venv/bin/check-jsonschema" || ! -x "$venv/bin/kubernetes-validate" ]]; then
    monps_info "installing kubernetes-validate and check-jsonschema into $venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q kubernetes-validate==1.37.0 check-jsonschema==0.39.0
fi

failures=0
check() {
    local what=$1 output
    shift
    if output=$("$@" 2>&1); then
        printf '  ok    %s\n' "$what"
    else
        printf '  FAIL  %s\n%s\n' "$what" "$output"
        failures=$((failures + 1))
    fi
}

check "Kubernetes manifests (kubernetes-validate --strict, 1.37)" "$venv/bin/kubernetes-validate" --strict --quiet k8s/*.yaml
check "compose.yaml (compose-spec)" "$venv/bin/check-jsonschema" --builtin-schema vendor.compose-spec compose.yaml
check "Grafana dashboard (dashboard.schema.json)" "$venv/bin/check-jsonschema" --schemafile grafana/dashboard.schema.json grafana/monps-dashboard.json
promql_rules=$(mktemp)
python3 - grafana/monps-dashboard.json >"$promql_rules" <<'PY'
import json, sys
exprs = [t["expr"] for p in json.load(open(sys.argv[1]))["panels"] for t in p["targets"]]
print("groups:\n  - name: dashboard\n    rules:")
for i, e in enumerate(exprs):
    print(f"      - record: dashboard:panel{i}\n        expr: {json.dumps(e)}")
PY
check "Grafana dashboard PromQL (promtool)" promtool check rules "$promql_rules"
rm -f "$promql_rules"
check "Dockerfile runs as a non-root user" grep -Eq '^USER [1-9][0-9]*' Dockerfile
check "Dockerfile has a HEALTHCHECK" grep -q '^HEALTHCHECK ' Dockerfile

[[ $failures -eq 0 ]] || exit 1
