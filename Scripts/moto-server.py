#!/usr/bin/env python3
"""moto's server, with the Service Catalog administrator calls catalog/bootstrap.sh makes that moto lacks.

moto (5.2) implements portfolios and products but not provisioning artifacts, constraints or associations. This adds
them in moto's own in-memory style (and serializes moto's DynamoDB calls, see `serialized`): the requests still go through the AWS CLI (which checks every parameter against
the botocore model before sending), and the answers have the model's shape. Run as `python3 -m moto.server` is:

    python3 Scripts/moto-server.py -H 127.0.0.1 -p PORT
"""

import functools
import json
import sys
import threading
import uuid

from moto.core.responses import ActionResult, EmptyResult
from moto.core.utils import utcnow
from moto.dynamodb.responses import DynamoHandler
from moto.server import main
from moto.servicecatalog.exceptions import ResourceNotFoundException
from moto.servicecatalog.models import ServiceCatalogBackend
from moto.servicecatalog.responses import ServiceCatalogResponse


def state(backend: ServiceCatalogBackend) -> dict:
    if not hasattr(backend, "sandboxd_extras"):
        backend.sandboxd_extras = {"artifacts": {}, "constraints": {}, "principals": {}, "product_portfolios": set()}
    return backend.sandboxd_extras


def product_of(backend: ServiceCatalogBackend, product_id: str):
    product = backend.products.get(product_id)
    if product is None:
        raise ResourceNotFoundException(f"Product with Id '{product_id}' not found.")
    return product


def new_artifact(backend, product_id, parameters):
    artifact = {
        "Id": "pa-" + uuid.uuid4().hex[:13],
        "Name": parameters.get("Name", ""),
        "Type": parameters.get("Type", "CLOUD_FORMATION_TEMPLATE"),
        "CreatedTime": utcnow(),
        "Active": True,
    }
    state(backend)["artifacts"].setdefault(product_id, []).append(artifact)
    return artifact


def params(response):
    return json.loads(response.body or "{}")


def describe_product_as_admin(self):
    body = params(self)
    product = self.servicecatalog_backend.describe_product(None, body.get("Id"), body.get("Name"))
    artifacts = state(self.servicecatalog_backend)["artifacts"].get(product.id, [])
    return ActionResult({
        "ProductViewDetail": {"ProductViewSummary": product.to_dict(), "Status": "AVAILABLE", "ProductARN": product.arn},
        "ProvisioningArtifactSummaries": artifacts,
    })


def list_provisioning_artifacts(self):
    product_id = params(self)["ProductId"]
    product_of(self.servicecatalog_backend, product_id)
    return ActionResult({"ProvisioningArtifactDetails": state(self.servicecatalog_backend)["artifacts"].get(product_id, [])})


def create_provisioning_artifact(self):
    body = params(self)
    product_of(self.servicecatalog_backend, body["ProductId"])
    artifact = new_artifact(self.servicecatalog_backend, body["ProductId"], body["Parameters"])
    return ActionResult({"ProvisioningArtifactDetail": artifact, "Status": "AVAILABLE"})


def associate_product_with_portfolio(self):
    body = params(self)
    self.servicecatalog_backend.describe_portfolio(None, body["PortfolioId"])
    product_of(self.servicecatalog_backend, body["ProductId"])
    state(self.servicecatalog_backend)["product_portfolios"].add((body["ProductId"], body["PortfolioId"]))
    return EmptyResult()


def associate_principal_with_portfolio(self):
    body = params(self)
    self.servicecatalog_backend.describe_portfolio(None, body["PortfolioId"])
    principals = state(self.servicecatalog_backend)["principals"].setdefault(body["PortfolioId"], [])
    entry = {"PrincipalARN": body["PrincipalARN"], "PrincipalType": body["PrincipalType"]}
    if entry not in principals:
        principals.append(entry)
    return EmptyResult()


def list_principals_for_portfolio(self):
    portfolio = params(self)["PortfolioId"]
    return ActionResult({"Principals": state(self.servicecatalog_backend)["principals"].get(portfolio, [])})


def create_constraint(self):
    body = params(self)
    extras = state(self.servicecatalog_backend)
    if (body["ProductId"], body["PortfolioId"]) not in extras["product_portfolios"]:
        raise ResourceNotFoundException("the product is not associated with the portfolio")
    constraint = {
        "ConstraintId": "cons-" + uuid.uuid4().hex[:13],
        "Type": body["Type"],
        "Description": body.get("Description", ""),
        "Owner": self.current_account,
        "ProductId": body["ProductId"],
        "PortfolioId": body["PortfolioId"],
    }
    extras["constraints"][constraint["ConstraintId"]] = (constraint, body["Parameters"])
    return ActionResult({"ConstraintDetail": constraint, "ConstraintParameters": body["Parameters"], "Status": "AVAILABLE"})


def list_constraints_for_portfolio(self):
    body = params(self)
    found = [
        constraint for constraint, _ in state(self.servicecatalog_backend)["constraints"].values()
        if constraint["PortfolioId"] == body["PortfolioId"] and body.get("ProductId") in (None, constraint["ProductId"])
    ]
    return ActionResult({"ConstraintDetails": found})


def describe_constraint(self):
    constraint_id = params(self)["Id"]
    found = state(self.servicecatalog_backend)["constraints"].get(constraint_id)
    if found is None:
        raise ResourceNotFoundException(f"Constraint with Id '{constraint_id}' not found.")
    return ActionResult({"ConstraintDetail": found[0], "ConstraintParameters": found[1], "Status": "AVAILABLE"})


def create_product_with_artifact(original):
    def create_product(self):
        result = original(self)
        body = params(self)
        product = self.servicecatalog_backend.lookup_by_name(body["Name"])
        if product is not None and not state(self.servicecatalog_backend)["artifacts"].get(product.id):
            artifact = new_artifact(self.servicecatalog_backend, product.id, body.get("ProvisioningArtifactParameters", {}))
            result = ActionResult({**result.result, "ProvisioningArtifactDetail": artifact})
        return result

    return create_product


for function in [
    describe_product_as_admin, list_provisioning_artifacts, create_provisioning_artifact,
    associate_product_with_portfolio, associate_principal_with_portfolio, list_principals_for_portfolio,
    create_constraint, list_constraints_for_portfolio, describe_constraint,
]:
    setattr(ServiceCatalogResponse, function.__name__, function)
ServiceCatalogResponse.create_product = create_product_with_artifact(ServiceCatalogResponse.create_product)


def serialized(call_action, lock=threading.Lock()):
    """One DynamoDB call at a time. moto's server is threaded, and a TransactWriteItems whose condition fails restores
    each of its tables from a copy taken when it began: a write that another thread made meanwhile is lost (a new
    leader's journal record, while a deposed one's append is refused). DynamoDB serializes transactions with other
    writes; this lock gives moto the same isolation (docs/behaviour.md §12.2)."""

    @functools.wraps(call_action)
    def call(self, *args, **kwargs):
        with lock:
            return call_action(self, *args, **kwargs)

    return call


DynamoHandler.call_action = serialized(DynamoHandler.call_action)

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
