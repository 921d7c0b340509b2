"""``GET /api/kernels``: the named kernels the playground offers, with sizes and colour-scale advice."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from convscope.kernels import kernel_catalogue
from convscope.server.schemas import KernelInfoModel


def kernels_router() -> APIRouter:
    """The kernel catalogue route."""
    router = APIRouter(tags=["kernels"])

    @router.get("/api/kernels", response_model=list[KernelInfoModel])
    def get_kernels() -> list[dict[str, Any]]:
        """Every named kernel in menu order (convscope.kernels.kernel_catalogue)."""
        return kernel_catalogue()

    return router
