import pytest

from dashboard.errors import NewsprismError
from dashboard.store.workspace import Workspace


def test_paths_resolve_only_inside_data_folders(tmp_path):
    data = tmp_path / "data"
    (data / "sub").mkdir(parents=True)
    secret = tmp_path / "secret"
    secret.mkdir()
    (data / "link").symlink_to(secret)
    ws = Workspace(analysis=tmp_path / "an", data_dirs=(data.resolve(),))
    assert ws.resolve_data_path("sub") == (data / "sub").resolve()
    assert ws.resolve_data_path(str(data / "sub")) == (data / "sub").resolve()
    for bad in ("../secret", str(secret), "/etc", "link", "sub/../../secret"):
        with pytest.raises(NewsprismError, match="outside the data folders"):
            ws.resolve_data_path(bad)
    with pytest.raises(NewsprismError, match="no such"):
        ws.resolve_data_path("missing")
    with pytest.raises(NewsprismError, match="type a folder"):
        ws.resolve_data_path("  ")


def test_no_data_folders_means_no_server_paths(tmp_path):
    ws = Workspace(analysis=tmp_path, data_dirs=())
    with pytest.raises(NewsprismError, match="no data folders"):
        ws.resolve_data_path("seeds")
    assert ws.uploads == tmp_path / "uploads"
