"""LocalStack's S3 on the host, loopback only: what `python -m localstack.runtime.main` (its container's entry point)
runs, with three changes for a process outside a container. scripts/localstack.sh starts it with the environment set
(LocalStack reads its configuration at import).

1. The gateway binds the host of GATEWAY_LISTEN. LocalStack 2026.3.0's twisted server binds every address whatever
   the host (localstack/runtime/server/twisted.py: `TCP4ServerEndpoint(reactor, port)  # TODO: interface = host?`).
2. S3's object store moves to $LOCALSTACK_S3_STORAGE_DIR, off the fixed /tmp/localstack-s3-storage
   (localstack/services/s3/provider.py, DEFAULT_S3_TMP_DIR), so that two servers never share it and stop leaves
   nothing behind.
3. A loopback guard (a Python audit hook) refuses, before any packet is sent, every name lookup, connection, datagram
   or bind that is not loopback, and every subprocess; each refusal is logged as `[loopback-guard] refused ...`.
   Without it, the S3 service looks up `s3.<LOCALSTACK_HOST>` in DNS once at start (get_s3_hostname, which takes a
   failed lookup as "use localhost"). Nothing else was seen to leave the process.
"""

import errno
import ipaddress
import os
import runpy
import socket
import sys

LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}


def is_loopback(host) -> bool:
    if host is None:
        return True  # getaddrinfo(None, port): the loopback address, no lookup
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    host = str(host).strip("[]").lower()
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def refuse(event: str, detail) -> None:
    sys.stderr.write(f"[loopback-guard] refused {event} {detail!r}\n")
    sys.stderr.flush()


def loopback_guard(event: str, args) -> None:
    if event in ("socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyname_ex", "socket.gethostbyaddr"):
        if not is_loopback(args[0]):
            refuse(event, args[0])
            raise socket.gaierror(socket.EAI_NONAME, f"loopback guard: no lookup of {args[0]!r}")
    elif event in ("socket.connect", "socket.sendto", "socket.sendmsg", "socket.bind"):
        sock, address = args[0], args[1]
        if sock.family in (socket.AF_INET, socket.AF_INET6) and isinstance(address, tuple):
            if not is_loopback(address[0]):
                refuse(event, address)
                raise OSError(errno.ENETUNREACH, f"loopback guard: {event} to {address!r} refused")
    elif event in ("subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn"):
        refuse(event, args[0] if args else None)
        raise PermissionError(errno.EPERM, f"loopback guard: {event} refused")


sys.addaudithook(loopback_guard)

from twisted.internet import endpoints  # noqa: E402  (after the guard: imports may already resolve names)
from localstack import config  # noqa: E402
from localstack.runtime.server import twisted as localstack_twisted  # noqa: E402
import localstack.services.s3.provider as s3_provider  # noqa: E402

s3_provider.DEFAULT_S3_TMP_DIR = os.environ["LOCALSTACK_S3_STORAGE_DIR"]

register_on_every_address = localstack_twisted.TwistedRuntimeServer.register
TCP4ServerEndpoint = endpoints.TCP4ServerEndpoint


def register_on_listen_hosts(self, gateway, listen, ssl_creds=None):
    hosts = iter([address.host for address in listen if not config.is_ipv6_address(address.host)])

    def endpoint_on_host(reactor, port, backlog=50, interface=""):
        return TCP4ServerEndpoint(reactor, port, backlog, interface or next(hosts))

    endpoints.TCP4ServerEndpoint = endpoint_on_host
    try:
        return register_on_every_address(self, gateway, listen, ssl_creds)
    finally:
        endpoints.TCP4ServerEndpoint = TCP4ServerEndpoint


localstack_twisted.TwistedRuntimeServer.register = register_on_listen_hosts

sys.argv = ["localstack.runtime.main"]
runpy.run_module("localstack.runtime.main", run_name="__main__", alter_sys=True)
