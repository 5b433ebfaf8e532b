# One image for every service: the container's args name the service, e.g.
#   python -m services.platform.runner aspirasi
# Base pinned to an exact patch release; pin the digest too in your registry
# mirror (docker buildx imagetools inspect python:3.11.14-slim-bookworm).
FROM python:3.11.14-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Dependencies first, so a code change does not reinstall them. The runtime
# lock only (test and tool dependencies are in requirements-dev.lock), every
# package pinned: --no-deps installs exactly the lock, and `pip check` fails
# the build if the lock ever misses a dependency.
COPY requirements.lock ./
RUN pip install --no-deps -r requirements.lock && pip check

COPY services ./services

# A fixed numeric uid lets the pod's runAsNonRoot check prove it is not root.
RUN useradd --uid 10001 --no-create-home --shell /usr/sbin/nologin tl
USER 10001:10001

ENTRYPOINT ["python", "-m", "services.platform.runner"]
CMD ["gateway"]
