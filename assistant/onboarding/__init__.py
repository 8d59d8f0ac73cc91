"""Onboarding: the curriculum of lessons, their quizzes, and each officer's saved progress."""
