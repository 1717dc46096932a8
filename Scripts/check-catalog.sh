#!/usr/bin/env bash
# The Service Catalog product in catalog/ (README "From an empty AWS account to a running sandboxd"):
# cfn-lint and checkov on the template, parliament on every policy, the template's JSON twin up to date, and
# catalog/bootstrap.sh run against moto_server (SANDBOXD_TEST_MOTO_URL, started by .ci/run with
# Scripts/moto-server.py), then checked with the AWS CLI. Installs what it needs from PyPI when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${SANDBOXD_TEST_MOTO_URL:?start moto first (Scripts/moto-server.py; .ci/run does) and set SANDBOXD_TEST_MOTO_URL}"

python3 -c 'import cfnlint' 2>/dev/null || python3 -m pip install --quiet cfn-lint
python3 -c 'import parliament' 2>/dev/null || python3 -m pip install --quiet parliament
python3 -c 'import awscli' 2>/dev/null || python3 -m pip install --quiet awscli
# checkov pins boto3 and botocore to versions awscli and moto do not accept: it gets a virtual environment of its own.
checkov_env="${SANDBOXD_CHECKOV_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/sandboxd-ci/checkov}"
if [ ! -x "$checkov_env/bin/checkov" ]; then
    python3 -m venv "$checkov_env"
    "$checkov_env/bin/python" -m pip install --quiet checkov
fi
# pip puts the commands beside python3's own scripts, which a version manager may not have on PATH.
PATH="$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))'):$PATH"

python3 Scripts/check-catalog.py json --check
cfn-lint catalog/metaflow-sandbox.yaml
# A failed check fails this; each one skipped is justified in the resource's Metadata (checkov: skip: id, comment).
"$checkov_env/bin/checkov" --quiet --compact --skip-download --framework cloudformation -f catalog/metaflow-sandbox.yaml
# The HA table (docs/behaviour.md §12.4).
cfn-lint catalog/sandboxd-ha-table.yaml
"$checkov_env/bin/checkov" --quiet --compact --skip-download --framework cloudformation -f catalog/sandboxd-ha-table.yaml
python3 Scripts/check-catalog.py parliament

export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=eu-west-1
unset AWS_PROFILE AWS_SESSION_TOKEN
moto=(--endpoint-url "$SANDBOXD_TEST_MOTO_URL" --region eu-west-1 --output text)
bootstrap=(catalog/bootstrap.sh --endpoint-url "$SANDBOXD_TEST_MOTO_URL" --region eu-west-1 --skip-image-copy
    --control-plane-principal arn:aws:iam::111122223333:role/sandboxd-control)
# --dry-run on the empty account prints the calls that would create everything, and creates nothing.
first=$("${bootstrap[@]}" --dry-run 2>&1)
for call in create-portfolio create-product create-constraint associate-principal-with-portfolio put-object; do
    grep -q "would run: aws .*servicecatalog $call\|would run: aws .*s3api $call" <<<"$first" \
        || { echo "bootstrap.sh --dry-run does not print $call" >&2; exit 1; }
done
[ "$(aws "${moto[@]}" iam list-roles --path-prefix /sandboxd/ --query 'length(Roles)')" = 0 ] \
    || { echo "bootstrap.sh --dry-run created roles" >&2; exit 1; }
"${bootstrap[@]}" >/dev/null
portfolio=$(aws "${moto[@]}" servicecatalog list-portfolios \
    --query "PortfolioDetails[?DisplayName=='sandboxd Metaflow sandboxes'].Id | [0]")
product=$(aws "${moto[@]}" servicecatalog describe-product-as-admin --name metaflow-sandbox \
    --query ProductViewDetail.ProductViewSummary.ProductId)
constraint=$(aws "${moto[@]}" servicecatalog list-constraints-for-portfolio --portfolio-id "$portfolio" \
    --product-id "$product" --query "ConstraintDetails[?Type=='LAUNCH'].ConstraintId | [0]")
role=$(aws "${moto[@]}" iam get-role --role-name sandboxd-launch --query Role.Arn)
principal=$(aws "${moto[@]}" servicecatalog list-principals-for-portfolio --portfolio-id "$portfolio" \
    --query 'Principals[0].PrincipalARN')
for found in "portfolio:$portfolio" "product:$product" "launch constraint:$constraint" "launch role:$role" \
    "principal:$principal"; do
    case "${found#*:}" in "" | None) echo "bootstrap.sh against moto: no ${found%%:*}" >&2; exit 1 ;; esac
done
# Run again, it finds everything and creates nothing.
again=$("${bootstrap[@]}" --dry-run 2>&1)
if grep -E 'would run: aws .*(create-portfolio|create-product|create-provisioning-artifact|create-constraint|create-role|create-policy|create-bucket|create-repository)' <<<"$again"; then
    echo "bootstrap.sh is not idempotent: a second run would create the above again" >&2
    exit 1
fi
echo "catalog: cfn-lint, checkov and parliament clean; bootstrap.sh made portfolio $portfolio, product $product, constraint $constraint"
