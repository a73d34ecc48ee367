/** The application shell: a placeholder until the playground lands. */
export function App() {
  return (
    <main>
      <h1>Swarm Playground</h1>
      <button type="button" disabled title="coming with the playground issue">
        Add new instance
      </button>
    </main>
  );
}
