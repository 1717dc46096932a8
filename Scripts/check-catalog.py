#!/usr/bin/env python3
"""Checks of the Service Catalog product in catalog/ (README "From an empty AWS account to a running sandboxd").

    check-catalog.py json          write catalog/metaflow-sandbox.json, the template's JSON twin
    check-catalog.py json --check  fail when the twin differs from the YAML (CI)
    check-catalog.py parliament    run parliament on catalog/*-policy.json and on every policy in the template

The JSON twin is the YAML template with CloudFormation's short tags in their long form (`!Ref X` becomes
`{"Ref": "X"}`), as cfn-lint's own decoder reads it; the Swift tests (CatalogTemplateTests) read the twin
with Foundation's JSON parser instead of carrying a YAML reader. Both checks need cfn-lint and parliament.
"""

import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
CATALOG = ROOT / "catalog"
TEMPLATE = CATALOG / "metaflow-sandbox.yaml"
TWIN = CATALOG / "metaflow-sandbox.json"

# What parliament is shown for an intrinsic function: an ARN of the resource's own kind, in a made-up account,
# so that it can check that every action's resource matches (RESOURCE_MISMATCH).
ACCOUNT = "123456789012"
REGION = "eu-west-1"
PSEUDO = {
    "AWS::AccountId": ACCOUNT,
    "AWS::Region": REGION,
    "AWS::Partition": "aws",
    "AWS::StackName": "SC-123456789012-pp-abcdefghijklm",
}
ARN_OF_TYPE = {
    "AWS::S3::Bucket": "arn:aws:s3:::sandbox-datastore",
    "AWS::Logs::LogGroup": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/sandboxd/alice-recsys/x:*",
    "AWS::DynamoDB::Table": f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/sandbox-table",
    "AWS::IAM::Role": f"arn:aws:iam::{ACCOUNT}:role/sandboxd/sandbox-role",
    "AWS::Batch::JobQueue": f"arn:aws:batch:{REGION}:{ACCOUNT}:job-queue/sandbox-queue",
    "AWS::SecretsManager::Secret": f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:sandbox-db-AbCdEf",
    "AWS::SageMaker::NotebookInstance": "sandbox-notebook",
}


def load_template():
    from cfnlint.decode import decode

    template, matches = decode(str(TEMPLATE))
    if matches:
        sys.exit("\n".join(f"{TEMPLATE}: {match}" for match in matches))
    return template


def twin_text(template):
    return json.dumps(template, indent=2, ensure_ascii=False) + "\n"


def command_json(check):
    text = twin_text(load_template())
    if check:
        if not TWIN.exists() or TWIN.read_text(encoding="utf-8") != text:
            sys.exit(f"{TWIN.relative_to(ROOT)} is not the JSON form of {TEMPLATE.relative_to(ROOT)}:"
                     " run python3 Scripts/check-catalog.py json and commit it")
        print(f"{TWIN.relative_to(ROOT)} matches {TEMPLATE.relative_to(ROOT)}")
    else:
        TWIN.write_text(text, encoding="utf-8")


def resolver(resources):
    def value_of(name, attribute=None):
        if name in PSEUDO:
            return PSEUDO[name]
        resource_type = resources.get(name, {}).get("Type")
        if resource_type is None:  # a parameter
            return f"param-{name}"
        if attribute in ("NotebookInstanceName",):
            return "sandbox-notebook"
        if resource_type in ARN_OF_TYPE:
            return ARN_OF_TYPE[resource_type]
        sys.exit(f"{TEMPLATE.relative_to(ROOT)}: no made-up ARN for {name} ({resource_type}); add one to ARN_OF_TYPE")

    def resolve(node):
        if isinstance(node, dict):
            if set(node) == {"Ref"}:
                return value_of(node["Ref"])
            if set(node) == {"Fn::GetAtt"}:
                name, attribute = node["Fn::GetAtt"]
                return value_of(name, attribute)
            if set(node) == {"Fn::Sub"}:
                text = node["Fn::Sub"]
                out, rest = "", text
                while "${" in rest:
                    before, _, after = rest.partition("${")
                    inner, _, rest = after.partition("}")
                    name, _, attribute = inner.partition(".")
                    out += before + value_of(name, attribute or None)
                return out + rest
            return {key: resolve(value) for key, value in node.items()}
        if isinstance(node, list):
            return [resolve(item) for item in node]
        return node

    return resolve


def template_policies(template):
    """(where, document) for every policy document in the template."""
    resources = template["Resources"]
    resolve = resolver(resources)
    for name, resource in resources.items():
        properties = resource.get("Properties", {})
        if resource["Type"] == "AWS::IAM::Role":
            for policy in properties.get("Policies", []):
                yield f"{name}.Policies.{policy['PolicyName']}", resolve(policy["PolicyDocument"])
        elif resource["Type"] == "AWS::IAM::ManagedPolicy":
            yield f"{name}.PolicyDocument", resolve(properties["PolicyDocument"])


def command_parliament():
    from parliament import analyze_policy_string

    documents = [(str(path.relative_to(ROOT)), json.loads(path.read_text())) for path in sorted(CATALOG.glob("*-policy.json"))]
    documents += [(f"{TEMPLATE.relative_to(ROOT)}: {where}", document) for where, document in template_policies(load_template())]
    failures = 0
    for where, document in documents:
        policy = analyze_policy_string(json.dumps(document))
        for finding in policy.findings:
            failures += 1
            print(f"{where}: {finding.issue} ({finding.severity}): {finding.detail} {finding.location}")
    print(f"parliament: {len(documents)} policies, {failures} findings")
    if failures:
        sys.exit(1)


def main(arguments):
    if arguments[:1] == ["json"]:
        command_json(check=arguments[1:] == ["--check"])
    elif arguments == ["parliament"]:
        command_parliament()
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
