// Test stand-in for actions/checkout: the workspace already holds the repository.
console.log('checkout stand-in: using the files already in the workspace');
