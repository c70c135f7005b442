"""Manage partner clients in a clients file: ``python -m backbone.clients --file F <command>``.

    create ID --scope S [--scope S ...] [--jwks-file partner-public-keys.json] [--no-secret]
    list
    rotate ID          a new client secret (the old one stops working at once)
    revoke ID [--database-url URL ...]
                       the client and every token it holds stop working at once: recorded in each service
                       database named (default: $DATABASE_URL), which running instances read every second,
                       and marked in the file (its entry is kept) when --file is given
    signing-key        print a new private key for TOKEN_SIGNING_KEY_FILE (one per service, kept secret)

A secret is printed once, to give to the partner; the file keeps only its SHA-256. A partner signing JWT
client assertions (the NHS API platform's model) sends its public keys (a JWKS); no secret is then needed.
Services read the file at start-up: restart them after any other change.
"""

import argparse
import asyncio
import hashlib
import json
import os
import secrets
import sys
import tempfile
from pathlib import Path

import asyncpg
from joserfc.jwk import ECKey, KeySet

from backbone.settings import to_asyncpg_url
from backbone.writes import pool_url


def _read(path: Path) -> list[dict]:
    return json.loads(path.read_text()) if path.exists() else []


def _write(path: Path, clients: list[dict]) -> None:
    """Atomically: a service starting meanwhile reads the old file or the new one, never half of one."""
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(descriptor, "w") as file:
        json.dump(clients, file, indent=2)
        file.write("\n")
    os.chmod(temporary, 0o640)
    os.replace(temporary, path)


def _find(clients: list[dict], client_id: str) -> dict:
    for entry in clients:
        if entry["client_id"] == client_id:
            return entry
    sys.exit(f"no client {client_id!r}")


def _new_secret(entry: dict) -> str:
    secret = secrets.token_urlsafe(32)
    entry["secret_sha256"] = hashlib.sha256(secret.encode()).hexdigest()
    return secret


def _revoke(client_id: str, file: Path | None, database_urls: list[str]) -> None:
    if file is None and not database_urls:
        sys.exit("revoke needs --database-url (or DATABASE_URL) for the running services, and/or --file")
    if file is not None:
        clients = _read(file)
        _find(clients, client_id)["revoked"] = True
        _write(file, clients)
        print(f"revoked {client_id} in {file}")
    for url in database_urls:
        asyncio.run(_record_revocation(url, client_id))
        print(f"revoked {client_id} in {url.rpartition('@')[2]}: its running instances refuse it within a second")
    if not database_urls:
        print("no database named: running services refuse it only after a restart", file=sys.stderr)


async def _record_revocation(database_url: str, client_id: str) -> None:
    connection = await asyncpg.connect(pool_url(to_asyncpg_url(database_url)))
    try:
        await connection.execute("INSERT INTO revoked_clients (client_id) VALUES ($1) ON CONFLICT DO NOTHING", client_id)
    finally:
        await connection.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m backbone.clients", description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, help="the clients file (API_CLIENTS_FILE); revoke may go without")
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create")
    create.add_argument("client_id")
    create.add_argument("--scope", action="append", required=True)
    create.add_argument("--jwks-file", type=Path, help="the partner's public keys for JWT client assertions")
    create.add_argument("--no-secret", action="store_true", help="JWT assertions only")
    commands.add_parser("list")
    commands.add_parser("rotate").add_argument("client_id")
    revoke = commands.add_parser("revoke")
    revoke.add_argument("client_id")
    revoke.add_argument("--database-url", action="append", default=[],
                        help="a service's database (repeat for each service); default: $DATABASE_URL")
    commands.add_parser("signing-key")
    args = parser.parse_args(argv)

    if args.command == "signing-key":
        print(json.dumps(ECKey.generate_key("P-256", private=True, auto_kid=True).as_dict(private=True)))
        return
    if args.command == "revoke":
        _revoke(args.client_id, args.file, args.database_url or [u for u in [os.environ.get("DATABASE_URL")] if u])
        return
    if args.file is None:
        parser.error(f"{args.command} needs --file")
    clients = _read(args.file)
    if args.command == "list":
        for entry in clients:
            kinds = [k for k, present in (("jwt-assertion", "jwks" in entry), ("secret", "secret_sha256" in entry),
                                          ("static-token", "token_sha256" in entry)) if present]
            state = "REVOKED" if entry.get("revoked") else "active"
            print(f"{entry['client_id']:<24} {state:<8} {','.join(kinds):<32} {' '.join(entry['scopes'])}")
        return
    if args.command == "create":
        if any(e["client_id"] == args.client_id for e in clients):
            sys.exit(f"client {args.client_id!r} exists: rotate or revoke it")
        entry = {"client_id": args.client_id, "scopes": sorted(set(args.scope))}
        if args.jwks_file:
            jwks = json.loads(args.jwks_file.read_text())
            if any("d" in key for key in jwks.get("keys", [])):
                sys.exit("that JWKS holds a private key: ask the partner for its public keys only")
            KeySet.import_key_set(jwks)  # refuses what is not a key set
            entry["jwks"] = jwks
        secret = None if args.no_secret else _new_secret(entry)
        if secret is None and "jwks" not in entry:
            sys.exit("a client needs a secret or a JWKS")
        clients.append(entry)
        _write(args.file, clients)
        print(f"created {args.client_id}" + (f"; client secret (shown once): {secret}" if secret else ""))
    elif args.command == "rotate":
        secret = _new_secret(_find(clients, args.client_id))
        _write(args.file, clients)
        print(f"rotated {args.client_id}; new client secret (shown once): {secret}")


if __name__ == "__main__":
    main()
