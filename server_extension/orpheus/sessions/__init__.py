"""Claude sessions: project folders with a recorded, named terminado terminal."""
