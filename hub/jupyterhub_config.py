"""JupyterHub configuration of the course on one machine (README, "Running a class").

Started by ``python hub/run.py start`` (``make hub``), as root: LocalProcessSpawner starts each
user's JupyterLab as that Unix user. What it reads from the environment:

``COURSEKIT_HUB_DIR``       the class directory built by ``run.py setup`` (hub/layout.py), default /srv/coursekit
``COURSEKIT_HUB_AUTH``      ``pam`` (default: the users' Unix passwords — the real one on one
                            machine) or ``shared-password`` (tests, demos: every rostered user logs in
                            with ``COURSEKIT_HUB_PASSWORD``; loopback only)
``COURSEKIT_HUB_IP/PORT``   where the proxy listens (default 127.0.0.1:8000)
``COURSEKIT_HUB_API_TOKEN`` optional: registers a service ``coursekit-admin`` with this token and the
                            admin role (what the tests and the load benchmark drive the hub with)
``COURSEKIT_HUB_CULL``      idle-culler timeout in seconds (default 3600; 0 turns culling off)
"""

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from hub import users  # noqa: E402
from hub.layout import VENV_BIN, ClassDir, copy_pack_into_home  # noqa: E402

c = get_config()  # noqa: F821

cd = ClassDir()
roster = cd.roster()
students, instructors = roster["students"], roster["instructors"]
COURSE = "coursekit"  # nbgrader's course id = the formgrader service's name (nbgrader requires it)
FORMGRADER_PORT = int(os.environ.get("COURSEKIT_HUB_FORMGRADER_PORT", "9999"))
ENV = cd.user_env()  # the course environment, reachable by every user (hub/userenv.py)
PATH = f"{ENV.python.parent}:/usr/local/bin:/usr/bin:/bin"
VENV_CONFIG = VENV_BIN.parent / "etc" / "jupyter"  # the extensions enabled in the course environment
BASE_ENV = {"PATH": PATH, "COURSEKIT_EXCHANGE": str(cd.exchange), "MPLBACKEND": "Agg", **ENV.environment}

# --- hub, proxy, state -------------------------------------------------------------------
c.JupyterHub.ip = os.environ.get("COURSEKIT_HUB_IP", "127.0.0.1")
c.JupyterHub.port = int(os.environ.get("COURSEKIT_HUB_PORT", "8000"))
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(os.environ.get("COURSEKIT_HUB_API_PORT", "8081"))
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{int(os.environ.get('COURSEKIT_HUB_PROXY_API_PORT', '8001'))}"
c.ConfigurableHTTPProxy.command = [str(HERE / "node_modules" / ".bin" / "configurable-http-proxy")]
c.JupyterHub.db_url = f"sqlite:///{cd.state / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(cd.state / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(cd.state / "jupyterhub.pid")
c.JupyterHub.cleanup_servers = True  # the hub stops every user server when it stops
c.JupyterHub.cleanup_proxy = True

# --- who logs in -------------------------------------------------------------------------
auth = os.environ.get("COURSEKIT_HUB_AUTH", "pam")
if auth == "shared-password":
    c.JupyterHub.authenticator_class = "shared-password"
    c.SharedPasswordAuthenticator.user_password = os.environ["COURSEKIT_HUB_PASSWORD"]
elif auth == "pam":
    c.JupyterHub.authenticator_class = "pam"
else:
    raise ValueError(f"COURSEKIT_HUB_AUTH: expected 'pam' or 'shared-password', got {auth!r}")
c.Authenticator.allowed_users = set(students) | set(instructors)
c.JupyterHub.load_groups = {"instructors": {"users": list(instructors)}, "students": {"users": list(students)}}

# --- each user's JupyterLab --------------------------------------------------------------
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [str(ENV.python), "-m", "jupyterhub.singleuser"]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.start_timeout = 180  # a loaded 2-core machine starts a server in 5–60 s
c.Spawner.http_timeout = 300  # 30 servers starting at once on 2 cores took ~230 s (README)
c.Spawner.environment = dict(BASE_ENV)


def pre_spawn_hook(spawner):
    """Instructor or student configuration; the student pack into a student's home, once."""
    name = spawner.user.name
    if name in instructors:
        spawner.environment["JUPYTER_CONFIG_PATH"] = f"{cd.instructor_config}:{VENV_CONFIG}"
    else:
        spawner.environment["JUPYTER_CONFIG_PATH"] = f"{cd.student_config}:{VENV_CONFIG}"
        copy_pack_into_home(cd, name)


c.Spawner.pre_spawn_hook = pre_spawn_hook

# --- formgrader: a hub service only the instructors' group can open -----------------------
c.JupyterHub.services = [
    {
        "name": COURSE,
        "url": f"http://127.0.0.1:{FORMGRADER_PORT}",
        "command": [str(ENV.python), "-m", "jupyterhub.singleuser", f"--ServerApp.root_dir={cd.course_root}"],
        "user": users.GRADER,
        "cwd": str(cd.course_root),
        "environment": {**BASE_ENV, "JUPYTER_CONFIG_PATH": str(VENV_CONFIG),
                        "JUPYTERHUB_DEFAULT_URL": "/formgrader", "HOME": str(cd.home(users.GRADER))},
        "oauth_no_confirm": True,
        "timeout": 300,  # a loaded machine needs more than the default 30 s to start it
    },
]
c.JupyterHub.load_roles = [
    {"name": "formgrader-coursekit", "groups": ["instructors"],
     "scopes": [f"access:services!service={COURSE}", "list:services", f"read:services!service={COURSE}"]},
]

# --- idle servers are stopped ------------------------------------------------------------
cull = int(os.environ.get("COURSEKIT_HUB_CULL", "3600"))
if cull > 0:
    c.JupyterHub.services.append({
        "name": "idle-culler",
        "command": [sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={cull}"],
    })
    c.JupyterHub.load_roles.append({
        "name": "idle-culler", "services": ["idle-culler"],
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
    })

# --- the driver of tests and benchmarks ----------------------------------------------------
if os.environ.get("COURSEKIT_HUB_API_TOKEN"):
    c.JupyterHub.services.append({"name": "coursekit-admin", "api_token": os.environ["COURSEKIT_HUB_API_TOKEN"]})
    c.JupyterHub.load_roles.append({"name": "coursekit-admin", "services": ["coursekit-admin"],
                                    "scopes": ["admin:users", "admin:servers", "tokens", "admin-ui",
                                               "list:services", "read:services", "access:servers"]})
