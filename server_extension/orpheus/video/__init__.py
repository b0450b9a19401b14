"""Video Studio: scene code in a project folder, rendered to MP4 by MoviePy outside the server."""
