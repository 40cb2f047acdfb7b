"""Dependencies shared by the controllers."""

from __future__ import annotations

from litestar import Request

from service.wiring import Container


async def provide_container(request: Request) -> Container:
    return request.app.state.container
