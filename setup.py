"""Build of the optional C extensions; everything else is declared in pyproject.toml.

The classifier kernels (src/genguard/detect/classifier/_kernels.c) and the text fold
(src/genguard/text/_fold.c) are ``optional``: where no C compiler or Python headers exist the
install still succeeds and genguard uses its numpy paths (same results, slower), see
genguard/detect/classifier/kernels.py and genguard/text/normalize.py.
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "genguard.detect.classifier._kernels",
            sources=["src/genguard/detect/classifier/_kernels.c"],
            extra_compile_args=["-O3", "-std=c99"],
            optional=True,
        ),
        Extension(
            "genguard.text._fold",
            sources=["src/genguard/text/_fold.c"],
            extra_compile_args=["-O3", "-std=c99"],
            optional=True,
        ),
    ]
)
