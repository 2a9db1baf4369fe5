"""Docker engines: which one to talk to, and how to reach a server in one of its containers.

A container may run on this machine's engine, on a remote one (ssh://, tcp://, a docker
context), under Podman or rootless Docker. Its published port then may not be on this
machine's 127.0.0.1, so the docker source reaches the server by the first route that
answers: the published port, an SSH forward, or a fetch inside the container's network
namespace (exec of a fetcher the image has, else a helper container carrying `om-fetch`).
"""
