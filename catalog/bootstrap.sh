#!/usr/bin/env bash
# Makes the sandbox account ready for sandboxd (README "From an empty AWS account to a running sandboxd"):
# uploads catalog/metaflow-sandbox.yaml, creates the portfolio, the product (one version per template content),
# the launch constraint with its role, sandboxd's role associated with the portfolio, the permissions boundary,
# the ECR copies of the images, and prints the "product" block for pool.json.
#
# Idempotent: what exists (found by name) is kept, so it can be run again after changing the template.
# Run it with the sandbox account's administrator credentials (AWS_PROFILE, or the usual environment).
#
#   catalog/bootstrap.sh --control-plane-principal ARN [--region R] [--dry-run] [--endpoint-url URL]
#                        [--metadata-image SRC] [--batch-image SRC] [--skip-image-copy]
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
dry_run=false
region="${AWS_REGION:-${AWS_DEFAULT_REGION:-}}"
endpoint=()
control_plane=""
metadata_image="docker.io/netflixoss/metaflow_metadata_service:v2.4.13"
batch_image="docker.io/library/python:3.12-slim"
copy_images=true
portfolio_name="sandboxd Metaflow sandboxes"
product_name="metaflow-sandbox"

usage() { sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
die() { echo "bootstrap.sh: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
    case "$1" in
        --dry-run) dry_run=true ;;
        --region) region="${2:?--region needs a region}"; shift ;;
        --endpoint-url) endpoint=(--endpoint-url "${2:?--endpoint-url needs a URL}"); shift ;;
        --control-plane-principal) control_plane="${2:?--control-plane-principal needs an ARN}"; shift ;;
        --metadata-image) metadata_image="${2:?--metadata-image needs an image}"; shift ;;
        --batch-image) batch_image="${2:?--batch-image needs an image}"; shift ;;
        --skip-image-copy) copy_images=false ;;
        -h | --help) usage ;;
        *) echo "bootstrap.sh: unknown option $1" >&2; usage 2 ;;
    esac
    shift
done
[ -n "$region" ] || die "no region: give --region REGION (or set AWS_REGION)"
[[ "$control_plane" =~ ^arn:aws[a-z-]*:(iam|sts)::[0-9]{12}:.+$ ]] \
    || die "--control-plane-principal must be the ARN of the IAM role or user sandboxd runs as in the control-plane account"
command -v aws >/dev/null 2>&1 || die "the AWS CLI is not installed (python3 -m pip install awscli)"

# Read-only calls always run (they decide what is missing); changes are printed instead under --dry-run
# (on standard error, so that standard output stays the pool.json blocks).
read_aws() { aws --region "$region" "${endpoint[@]}" --output text "$@"; }
change() {
    if $dry_run; then
        { printf 'would run: aws'; printf ' %q' "$@"; printf '\n'; } >&2
    else
        aws --region "$region" "${endpoint[@]}" --output text "$@"
    fi
}
# A read that may find nothing: its output, or empty.
lookup() { read_aws "$@" 2>/dev/null || true; }

account=$(read_aws sts get-caller-identity --query Account) || die "cannot call STS: check the credentials"
partition=aws
template="$here/metaflow-sandbox.yaml"
version=$(sha256sum "$template" | cut -c1-12)
bucket="sandboxd-catalog-$account-$region"
key="metaflow-sandbox/$version.yaml"
echo "sandbox account $account, region $region, template version $version" >&2

# 1. The template, in a private bucket of the sandbox account.
if ! read_aws s3api head-bucket --bucket "$bucket" >/dev/null 2>&1; then
    if [ "$region" = us-east-1 ]; then
        change s3api create-bucket --bucket "$bucket" >/dev/null
    else
        change s3api create-bucket --bucket "$bucket" --create-bucket-configuration "LocationConstraint=$region" >/dev/null
    fi
    change s3api put-public-access-block --bucket "$bucket" --public-access-block-configuration \
        BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true
fi
change s3api put-object --bucket "$bucket" --key "$key" --body "$template" >/dev/null
template_url="https://$bucket.s3.$region.amazonaws.com/$key"

# 2. The permissions boundary every sandbox role carries, and the launch role Service Catalog launches as.
boundary_arn="arn:$partition:iam::$account:policy/sandboxd/sandboxd-sandbox-boundary"
if [ -z "$(lookup iam get-policy --policy-arn "$boundary_arn" --query Policy.Arn)" ]; then
    change iam create-policy --path /sandboxd/ --policy-name sandboxd-sandbox-boundary \
        --policy-document "file://$here/sandbox-boundary-policy.json" >/dev/null
fi
service_trust='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"servicecatalog.amazonaws.com"},"Action":"sts:AssumeRole"}]}'
if [ -z "$(lookup iam get-role --role-name sandboxd-launch --query Role.Arn)" ]; then
    change iam create-role --path /sandboxd/ --role-name sandboxd-launch \
        --assume-role-policy-document "$service_trust" >/dev/null
fi
change iam put-role-policy --role-name sandboxd-launch --policy-name launch-metaflow-sandbox \
    --policy-document "file://$here/launch-role-policy.json"
# AWS Batch and ECS act through their service-linked roles; creating one that exists is refused, which is fine.
for service in batch.amazonaws.com ecs.amazonaws.com; do
    if ! $dry_run; then
        read_aws iam create-service-linked-role --aws-service-name "$service" >/dev/null 2>&1 || true
    else
        change iam create-service-linked-role --aws-service-name "$service"
    fi
done

# 3. sandboxd's own role in the sandbox account: assumed from the control plane, allowed catalog/sandboxd-policy.json.
control_trust="{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"$control_plane\"},\"Action\":\"sts:AssumeRole\"}]}"
sandboxd_role_arn="arn:$partition:iam::$account:role/sandboxd/sandboxd"
if [ -z "$(lookup iam get-role --role-name sandboxd --query Role.Arn)" ]; then
    change iam create-role --path /sandboxd/ --role-name sandboxd --assume-role-policy-document "$control_trust" >/dev/null
fi
change iam put-role-policy --role-name sandboxd --policy-name sandboxd-service-catalog \
    --policy-document "file://$here/sandboxd-policy.json"

# 4. The portfolio, the product and its version for this template, the launch constraint, the association.
portfolio=$(lookup servicecatalog list-portfolios --query "PortfolioDetails[?DisplayName=='$portfolio_name'].Id | [0]")
if [ -z "$portfolio" ] || [ "$portfolio" = None ]; then
    portfolio=$(change servicecatalog create-portfolio --display-name "$portfolio_name" --provider-name sandboxd \
        --idempotency-token "sandboxd-portfolio-$account" --query PortfolioDetail.Id)
    $dry_run && portfolio="port-DRYRUN"
fi
product=$(lookup servicecatalog describe-product-as-admin --name "$product_name" --query ProductViewDetail.ProductViewSummary.ProductId)
if [ -z "$product" ] || [ "$product" = None ]; then
    product=$(change servicecatalog create-product --name "$product_name" --owner sandboxd --product-type CLOUD_FORMATION_TEMPLATE \
        --description "One isolated Metaflow sandbox, dispensed by sandboxd" \
        --provisioning-artifact-parameters "Name=$version,Type=CLOUD_FORMATION_TEMPLATE,Info={LoadTemplateFromURL=$template_url}" \
        --idempotency-token "sandboxd-product-$version" --query ProductViewDetail.ProductViewSummary.ProductId)
    $dry_run && product="prod-DRYRUN"
fi
artifact=$(lookup servicecatalog list-provisioning-artifacts --product-id "$product" --query "ProvisioningArtifactDetails[?Name=='$version'].Id | [0]")
if [ -z "$artifact" ] || [ "$artifact" = None ]; then
    artifact=$(change servicecatalog create-provisioning-artifact --product-id "$product" \
        --parameters "Name=$version,Type=CLOUD_FORMATION_TEMPLATE,Info={LoadTemplateFromURL=$template_url}" \
        --idempotency-token "sandboxd-artifact-$version" --query ProvisioningArtifactDetail.Id)
    $dry_run && artifact="pa-DRYRUN"
fi
change servicecatalog associate-product-with-portfolio --product-id "$product" --portfolio-id "$portfolio"
constraint=$(lookup servicecatalog list-constraints-for-portfolio --portfolio-id "$portfolio" --product-id "$product" \
    --query "ConstraintDetails[?Type=='LAUNCH'].ConstraintId | [0]")
if [ -z "$constraint" ] || [ "$constraint" = None ]; then
    change servicecatalog create-constraint --portfolio-id "$portfolio" --product-id "$product" --type LAUNCH \
        --parameters "{\"RoleArn\":\"arn:$partition:iam::$account:role/sandboxd/sandboxd-launch\"}" \
        --description "Launch as sandboxd-launch, never as sandboxd" \
        --idempotency-token "sandboxd-launch-$portfolio-$product" >/dev/null
fi
change servicecatalog associate-principal-with-portfolio --portfolio-id "$portfolio" \
    --principal-arn "$sandboxd_role_arn" --principal-type IAM

# 5. The images, copied into ECR: the sandbox's VPC has no way to any other registry.
registry="$account.dkr.ecr.$region.amazonaws.com"
for repository in sandboxd/metaflow-metadata-service sandboxd/metaflow-batch; do
    if [ -z "$(lookup ecr describe-repositories --repository-names "$repository" --query 'repositories[0].repositoryName')" ]; then
        change ecr create-repository --repository-name "$repository" --image-scanning-configuration scanOnPush=true \
            --image-tag-mutability IMMUTABLE >/dev/null
    fi
done
metadata_copy="$registry/sandboxd/metaflow-metadata-service:${metadata_image##*:}"
batch_copy="$registry/sandboxd/metaflow-batch:${batch_image##*:}"
if $copy_images; then
    for pair in "$metadata_image $metadata_copy" "$batch_image $batch_copy"; do
        source_image="${pair% *}"
        copy="${pair#* }"
        repository="${copy#*/}"
        repository="${repository%:*}"
        if [ -n "$(lookup ecr describe-images --repository-name "$repository" --image-ids "imageTag=${copy##*:}" \
            --query 'imageDetails[0].imageDigest')" ]; then
            continue
        fi
        if $dry_run; then
            echo "would copy: $source_image -> $copy (docker pull, tag and push, logged in with aws ecr get-login-password)" >&2
            continue
        fi
        command -v docker >/dev/null 2>&1 \
            || die "docker is needed to copy $source_image (or give --skip-image-copy and copy it yourself to $copy)"
        aws --region "$region" "${endpoint[@]}" ecr get-login-password \
            | docker login --username AWS --password-stdin "$registry" >/dev/null
        docker pull "$source_image" && docker tag "$source_image" "$copy" && docker push "$copy" >/dev/null
    done
fi
prefix_list=$(lookup ec2 describe-managed-prefix-lists --filters "Name=prefix-list-name,Values=com.amazonaws.$region.s3" \
    --query 'PrefixLists[0].PrefixListId')

# 6. What pool.json needs.
cat <<EOF
Paste into desired-state/pool.json (RequesterPrincipalArn: the role each requester signs in as):
  "product": { "productId": "$product", "provisioningArtifactId": "$artifact" },
  "parameters": {
    "SandboxOwner": "{{requester}}",
    "SandboxName": "{{request}}",
    "RequesterPrincipalArn": "arn:$partition:iam::$account:role/metaflow-users/{{requester}}",
    "PermissionsBoundaryArn": "$boundary_arn",
    "S3PrefixListId": "${prefix_list:-pl-UNKNOWN}",
    "MetadataServiceImage": "$metadata_copy",
    "BatchContainerImage": "$batch_copy"
  },
and give sandboxd the profile: role_arn = $sandboxd_role_arn
EOF
