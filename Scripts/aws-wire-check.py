#!/usr/bin/env python3
"""A checking proxy in front of an AWS endpoint (moto in CI): every JSON-protocol request sandboxd sends through it
is re-signed with botocore's SigV4Auth and validated against botocore's service model, then forwarded unchanged.

    python3 Scripts/aws-wire-check.py --listen PORT --upstream http://127.0.0.1:MOTO_PORT --report FILE

Point sandboxd (or the tests' SANDBOXD_TEST_MOTO_URL) at http://127.0.0.1:PORT. On SIGTERM or SIGINT the proxy
writes FILE (JSON: requests checked per operation, and every violation) and exits 1 if there was a violation.
Secrets for re-signing come from --credentials KEY_ID=SECRET (repeatable; moto's testing/testing by default); a
request signed with an unknown key is a violation. Requests that are not JSON-protocol calls (no X-Amz-Target) are
forwarded and counted, not checked.
"""

import argparse
import json
import signal
import sys
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import botocore.session
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.validate import ParamValidator

# X-Amz-Target prefixes of the JSON services sandboxd calls, and botocore's service names for them.
SERVICES = {"DynamoDB_20120810": "dynamodb", "AWS242ServiceCatalogService": "servicecatalog"}


class Checker:
    def __init__(self, credentials):
        self.session = botocore.session.get_session()
        self.models = {}
        self.credentials = credentials
        self.lock = threading.Lock()
        self.counts = {}
        self.violations = []
        self.unchecked = 0

    def model(self, service):
        if service not in self.models:
            self.models[service] = self.session.get_service_model(service)
        return self.models[service]

    def violation(self, operation, problem):
        with self.lock:
            self.violations.append({"operation": operation, "problem": problem})

    def check(self, method, path, headers, body):
        target = headers.get("X-Amz-Target")
        if not target or "." not in target:
            with self.lock:
                self.unchecked += 1
            return
        prefix, operation = target.split(".", 1)
        service = SERVICES.get(prefix)
        if service is None:
            self.violation(target, f"unknown X-Amz-Target prefix {prefix}")
            return
        with self.lock:
            self.counts[target] = self.counts.get(target, 0) + 1
        model = self.model(service)
        try:
            shape = model.operation_model(operation).input_shape
        except Exception:
            self.violation(target, f"{operation} is not an operation of {service}")
            return
        expected_type = f"application/x-amz-json-{model.metadata.get('jsonVersion', '1.0')}"
        if headers.get("Content-Type") != expected_type:
            self.violation(target, f"Content-Type {headers.get('Content-Type')!r}, the model asks {expected_type}")
        try:
            params = json.loads(body or b"{}")
        except ValueError as error:
            self.violation(target, f"body is not JSON: {error}")
            return
        report = ParamValidator().validate(params, shape) if shape is not None else None
        if report is not None and report.has_errors():
            self.violation(target, "model: " + report.generate_report().replace("\n", "; "))
        self.check_signature(target, method, path, headers, body, service)

    def check_signature(self, target, method, path, headers, body, service):
        authorization = headers.get("Authorization", "")
        try:
            credential = authorization.split("Credential=", 1)[1].split(",", 1)[0]
            key_id, _date, region, signing_name, _ = credential.split("/")
        except (IndexError, ValueError):
            self.violation(target, f"no SigV4 Authorization header: {authorization[:40]!r}")
            return
        secret = self.credentials.get(key_id)
        if secret is None:
            self.violation(target, f"signed with unknown access key {key_id}")
            return
        if signing_name != service:
            self.violation(target, f"signed for service {signing_name}, expected {service}")
        # The request as a botocore client holds it when it signs: without what botocore adds after signing
        # (Content-Length, User-Agent, amz-sdk-*) or the transport sets (Host, Connection, Accept-Language), and without the
        # signature itself; then signed the way SigV4Auth.add_auth does, at the request's own X-Amz-Date.
        host = headers.get("Host", "")
        request = AWSRequest(method=method, url=f"http://{host}{path}", data=body)
        dropped = ("authorization", "content-length", "user-agent", "host", "connection", "accept-encoding",
                   "x-amz-date", "x-amz-security-token", "accept", "accept-language")
        for name, value in headers.items():
            if name.lower() not in dropped and not name.lower().startswith("amz-sdk-"):
                request.headers[name] = value
        signer = SigV4Auth(Credentials(key_id, secret, headers.get("X-Amz-Security-Token")), signing_name, region)
        request.context["timestamp"] = headers.get("X-Amz-Date", "")
        signer._modify_request_before_signing(request)
        canonical = signer.canonical_request(request)
        signer._inject_signature_to_request(request, signer.signature(signer.string_to_sign(request, canonical), request))
        if request.headers["Authorization"] != authorization:
            self.violation(target, f"Authorization differs from botocore's: {request.headers['Authorization']} "
                                   f"vs {authorization}")

    def report(self):
        with self.lock:
            return {
                "checked": sum(self.counts.values()),
                "operations": dict(sorted(self.counts.items())),
                "not JSON-protocol": self.unchecked,
                "violations": self.violations[:200],
                "violation count": len(self.violations),
            }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--listen", type=int, required=True)
    parser.add_argument("--upstream", required=True)
    parser.add_argument("--report", required=True)
    parser.add_argument("--credentials", action="append", default=[])
    options = parser.parse_args()
    credentials = dict(pair.split("=", 1) for pair in options.credentials) or {"testing": "testing"}
    checker = Checker(credentials)
    upstream = options.upstream.rstrip("/")

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def relay(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            try:
                checker.check(self.command, self.path, self.headers, body)
            except Exception as error:  # a checker bug must show, not hang the caller
                checker.violation(self.headers.get("X-Amz-Target", self.path), f"checker error: {error!r}")
            forwarded = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
            forwarded["Host"] = urlsplit(upstream).netloc
            request = urllib.request.Request(upstream + self.path, data=body or None, method=self.command,
                                             headers=forwarded)
            try:
                with urllib.request.urlopen(request, timeout=60) as answer:
                    status, answer_headers, answer_body = answer.status, answer.headers, answer.read()
            except urllib.error.HTTPError as error:
                status, answer_headers, answer_body = error.code, error.headers, error.read()
            self.send_response(status)
            for name, value in answer_headers.items():
                if name.lower() not in ("content-length", "connection", "transfer-encoding", "server", "date"):
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(answer_body)))
            self.end_headers()
            self.wfile.write(answer_body)

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = relay

    class Server(ThreadingHTTPServer):
        def handle_error(self, request, client_address):
            # A client killed mid-request (the torture SIGKILLs replicas) resets its connection: not a finding.
            if not isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
                super().handle_error(request, client_address)

    server = Server(("127.0.0.1", options.listen), Handler)
    server.daemon_threads = True

    def stop(*_):
        threading.Thread(target=server.shutdown).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    server.serve_forever()
    report = checker.report()
    with open(options.report, "w") as file:
        json.dump(report, file, indent=2)
    print(f"aws-wire-check: {report['checked']} JSON-protocol requests checked, "
          f"{report['violation count']} violations ({options.report})", file=sys.stderr)
    sys.exit(1 if report["violation count"] else 0)


if __name__ == "__main__":
    main()
